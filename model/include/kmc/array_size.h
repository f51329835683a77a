/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KMC_ARRAY_SIZE_H
#define KMC_ARRAY_SIZE_H

/* The number of elements of array @a (an array, not a pointer). */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
