internal import CBlueZ
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// The BlueZ raw HCI socket for one adapter, opened through libbluetooth, with a filter that
/// lets through only the events a scanner needs. Closing restores the socket's filter; the
/// controller itself is put back by `ControllerSession.tearDown`.
struct HCISocket {
    let fd: SystemPackage.FileDescriptor
    let adapter: String
    private let previousFilter: hci_filter

    /// `hci0` → 0.
    static func deviceID(_ adapter: String) throws(BLECaptureError) -> Int32 {
        guard adapter.hasPrefix("hci"), let id = Int32(adapter.dropFirst(3)), id >= 0 else {
            throw .adapterMissing(adapter: adapter)
        }
        return id
    }

    static func open(adapter: String) throws(BLECaptureError) -> HCISocket {
        let id = try deviceID(adapter)
        let raw = hci_open_dev(id)
        guard raw >= 0 else { throw classify(Errno(rawValue: errno), call: "hci_open_dev", adapter: adapter) }
        let fd = SystemPackage.FileDescriptor(rawValue: raw)

        var previous = hci_filter()
        var length = socklen_t(MemoryLayout<hci_filter>.size)
        if getsockopt(raw, footfall_sol_hci(), footfall_hci_filter_option(), &previous, &length) < 0 {
            let error = Errno(rawValue: errno)
            hci_close_dev(raw)
            throw classify(error, call: "getsockopt(HCI_FILTER)", adapter: adapter)
        }
        var filter = hci_filter()
        footfall_hci_filter_clear(&filter)
        footfall_hci_filter_set_ptype(Int32(HCI_EVENT_PKT), &filter)
        for event in [EVT_CMD_COMPLETE, EVT_CMD_STATUS, EVT_HARDWARE_ERROR, EVT_LE_META_EVENT] {
            footfall_hci_filter_set_event(Int32(event), &filter)
        }
        if setsockopt(raw, footfall_sol_hci(), footfall_hci_filter_option(), &filter, socklen_t(MemoryLayout<hci_filter>.size)) < 0 {
            let error = Errno(rawValue: errno)
            hci_close_dev(raw)
            throw classify(error, call: "setsockopt(HCI_FILTER)", adapter: adapter)
        }
        return HCISocket(fd: fd, adapter: adapter, previousFilter: previous)
    }

    func restoreFilter() {
        var filter = previousFilter
        _ = setsockopt(fd.rawValue, footfall_sol_hci(), footfall_hci_filter_option(), &filter, socklen_t(MemoryLayout<hci_filter>.size))
    }

    static func classify(_ error: Errno, call: String, adapter: String) -> BLECaptureError {
        switch error {
        case .addressFamilyNotSupported: .bluetoothUnsupported(adapter: adapter)
        case .resourceBusy: .adapterBusy(adapter: adapter)
        case .operationNotSupportedByDevice, .noSuchAddressOrDevice: .adapterMissing(adapter: adapter)
        case .notPermitted, .permissionDenied: .permissionDenied(adapter: adapter)
        case .networkDown: .adapterDown(adapter: adapter)
        default: .systemCall(call, device: adapter, error)
        }
    }
}
