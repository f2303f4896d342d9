/*
 * wkd.h - WeftKit Discovery: embeddable cluster membership and service
 * discovery. The only header a program needs.
 *
 * Every process that links libwkd becomes a node of a cluster. Nodes find
 * each other by SWIM gossip with Lifeguard, with no central server; each
 * advertises its identity (wkd/registration.h), holds the whole cluster
 * view locally (wkd/member.h) and reports every change (wkd/watch.h).
 * Nodes also register service instances (wkd/service.h) in a registry
 * every wkd node holds a copy of and reads locally (wkd/instance.h), with
 * its aggregates (wkd/aggregate.h) and the dependencies between services
 * (wkd/dependency.h), checked by their owners (wkd/check.h), and pick one
 * to call with leases and outlier ejection (wkd/select.h). The
 * gossip wire protocol is HashiCorp memberlist's with Serf on top, so
 * `serf agent` and memberlist programs can join a wkd cluster and the other
 * way round.
 *
 * Conventions, everywhere in this API:
 *  - fallible functions return wkd_status and take a nullable wkd_error*
 *    last (wkd/status.h);
 *  - wkd_X_free() releases what a call hands you and accepts NULL;
 *  - durations are int32_t milliseconds, -1 meaning "no limit";
 *  - strings are UTF-8 and NUL-terminated;
 *  - structs with a leading struct_size grow by appending fields only.
 *
 * Stability: this header and the headers under wkd/ are stable for the whole major
 * version (the ABI grows by addition only); those under wkd/sys/ are stable within a
 * minor version.
 */
#ifndef WKD_H
#define WKD_H

#include "wkd/common.h"
#include "wkd/version.h"
#include "wkd/status.h"
#include "wkd/config.h"
#include "wkd/registration.h"
#include "wkd/member.h"
#include "wkd/watch.h"
#include "wkd/instance.h"
#include "wkd/check.h"
#include "wkd/service.h"
#include "wkd/aggregate.h"
#include "wkd/dependency.h"
#include "wkd/select.h"
#include "wkd/node.h"
#include "wkd/stats.h"
#include "wkd/keyring.h"
#include "wkd/constants.h"
#include "wkd/sys/log.h"

#endif /* WKD_H */
