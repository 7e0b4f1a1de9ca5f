// libpcap for the Capture module, the only Swift module that imports it (DESIGN.md).
#ifndef FOOTFALL_CPCAP_SHIM_H
#define FOOTFALL_CPCAP_SHIM_H
#include <pcap/pcap.h>
#endif
