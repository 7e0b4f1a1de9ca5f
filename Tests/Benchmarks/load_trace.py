"""The readings the load benchmarks send, from the trace load-common.sh makes (sourced as a module
by the generators inside mqtt-load.sh and http-load.sh, with PYTHONPATH=Tests/Benchmarks)."""


def readings(trace, limit=400_000):
    """(sensor, device, rssi) of the trace's first `limit` rows: about 35 s of it, every device
    many times over."""
    rows = []
    with open(trace) as f:
        next(f)
        for line in f:
            _, sensor, device, rssi = line.split(",")[:4]
            rows.append((sensor, device, int(float(rssi))))
            if len(rows) >= limit:
                break
    return rows
