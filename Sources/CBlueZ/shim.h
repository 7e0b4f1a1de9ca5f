#ifndef FOOTFALL_CBLUEZ_SHIM_H
#define FOOTFALL_CBLUEZ_SHIM_H

// libbluetooth (BlueZ) headers for the raw HCI socket. Only the Capture module imports this.
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <bluetooth/bluetooth.h>
#include <bluetooth/hci.h>
#include <bluetooth/hci_lib.h>

// Macros Swift cannot import, as functions.
static inline void footfall_hci_filter_clear(struct hci_filter *f) { hci_filter_clear(f); }
static inline void footfall_hci_filter_set_ptype(int t, struct hci_filter *f) { hci_filter_set_ptype(t, f); }
static inline void footfall_hci_filter_set_event(int e, struct hci_filter *f) { hci_filter_set_event(e, f); }
static inline int footfall_sol_hci(void) { return SOL_HCI; }
static inline int footfall_hci_filter_option(void) { return HCI_FILTER; }

#endif
