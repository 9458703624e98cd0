/*
 * hash.h - FNV-1a string hashes, for hash tables and short references.
 *
 * Not cryptographic: a stranger can make two strings collide.  Use them
 * only where a collision costs time or a longer probe, never where it
 * could confuse two objects (keys are always compared in full) or stand
 * in for a digest (mail identities use SHA-256).
 */
#ifndef AUTODBM_HASH_H
#define AUTODBM_HASH_H

#include <stdint.h>

/** 64-bit FNV-1a of the NUL-terminated string @s (its bytes as they are). */
uint64_t hash_fnv1a64(const char *s);

/** 32-bit FNV-1a of @s with A-Z folded to a-z (case-insensitive names). */
uint32_t hash_fnv1a32_lower(const char *s);

#endif
