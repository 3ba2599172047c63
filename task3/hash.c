/* hash.c - SHA-256 (OpenSSL's EVP interface) for content-addressed layer ids. */
#include "conductor.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hasher {
    EVP_MD_CTX *ctx;
};

struct hasher *hasher_new(void)
{
    struct hasher *h = malloc(sizeof(*h));
    if (!h)
        abort();
    h->ctx = EVP_MD_CTX_new();
    if (!h->ctx || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1)
        abort();
    return h;
}

void hasher_add(struct hasher *h, const void *data, size_t len)
{
    EVP_DigestUpdate(h->ctx, data, len);
}

void hasher_add_str(struct hasher *h, const char *s)
{
    hasher_add(h, s, strlen(s) + 1);
}

void hasher_finish(struct hasher *h, char out[LAYER_ID_LEN + 1])
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(h->ctx, digest, &len);
    for (int i = 0; i < LAYER_ID_LEN / 2; i++)
        snprintf(out + 2 * i, 3, "%02x", digest[i]);
    EVP_MD_CTX_free(h->ctx);
    free(h);
}
