// libmosquitto for the MQTT module, the only Swift module that imports it (DESIGN.md).
#ifndef FOOTFALL_CMOSQUITTO_SHIM_H
#define FOOTFALL_CMOSQUITTO_SHIM_H
#include <mosquitto.h>
#endif
