/*
 * hash.c - FNV-1a string hashes (see util/hash.h).
 */
#include <stdint.h>

#include "util/hash.h"

uint64_t hash_fnv1a64(const char *s)
{
    uint64_t h = 14695981039346656037u;

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211u;
    }
    return h;
}

uint32_t hash_fnv1a32_lower(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        h ^= (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
        h *= 16777619u;
    }
    return h;
}
