/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KMC_VERSION_H
#define KMC_VERSION_H

/* kmc's version; the vector format has its own (`kmv 1`) */
#define KMC_VERSION	"0.1.0"

#endif
