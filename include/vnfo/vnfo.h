/**
 * @file vnfo.h
 * @brief Umbrella header of libvnfo: include this one file.
 */
#ifndef VNFO_VNFO_H
#define VNFO_VNFO_H

#include <vnfo/version.h>
#include <vnfo/common.h>
#include <vnfo/key.h>
#include <vnfo/flowtag.h>

#endif /* VNFO_VNFO_H */
