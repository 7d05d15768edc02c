/**
 * @file vnfo.h
 * @brief Umbrella header of libvnfo: include this one file.
 */
#ifndef VNFO_VNFO_H
#define VNFO_VNFO_H

#include <vnfo/version.h>
#include <vnfo/common.h>
#include <vnfo/key.h>
#include <vnfo/manifest.h>
#include <vnfo/account.h>
#include <vnfo/flowtag.h>
#include <vnfo/packet.h>
#include <vnfo/record.h>
#include <vnfo/log.h>
#include <vnfo/report.h>
#include <vnfo/bill.h>
#include <vnfo/verify.h>
#include <vnfo/sampler.h>
#include <vnfo/tap.h>

#endif /* VNFO_VNFO_H */
