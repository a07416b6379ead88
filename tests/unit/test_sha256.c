/*
 * test_sha256.c - SHA-256 against the FIPS 180-4 example vectors, messages whose lengths sit on
 * the padding boundaries (digests from an independent implementation), and incremental feeding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "spm/sha256.h"

static void hex_of(const void *data, size_t len, char hex[SPM_SHA256_HEX_SIZE])
{
	spm_sha256 ctx;
	unsigned char digest[SPM_SHA256_DIGEST_SIZE];
	spm_sha256_init(&ctx);
	spm_sha256_update(&ctx, data, len);
	spm_sha256_final(&ctx, digest);
	spm_sha256_hex(digest, hex);
}

static void test_standard_vectors(void **state)
{
	(void)state;
	static const struct {
		const char *msg;
		const char *hex;
	} vectors[] = {
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
		{"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		 "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
	};
	char hex[SPM_SHA256_HEX_SIZE];
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		hex_of(vectors[i].msg, strlen(vectors[i].msg), hex);
		assert_string_equal(hex, vectors[i].hex);
	}
	hex_of(NULL, 0, hex);
	assert_string_equal(hex, vectors[0].hex);
}

static void test_million_a(void **state)
{
	(void)state;
	char chunk[1000];
	memset(chunk, 'a', sizeof chunk);
	spm_sha256 ctx;
	unsigned char digest[SPM_SHA256_DIGEST_SIZE];
	char hex[SPM_SHA256_HEX_SIZE];
	spm_sha256_init(&ctx);
	for (int i = 0; i < 1000; i++)
		spm_sha256_update(&ctx, chunk, sizeof chunk);
	assert_true(ctx.nbytes == 1000000);
	spm_sha256_final(&ctx, digest);
	spm_sha256_hex(digest, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Lengths around 55/56 and 64 bytes take the one-block and two-block padding paths. */
static void test_padding_boundaries(void **state)
{
	(void)state;
	static const struct {
		size_t len;
		const char *hex;
	} vectors[] = {
		{55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072"},
		{56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e"},
		{63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2"},
		{64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c"},
		{65, "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9"},
		{119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c"},
		{120, "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98"},
	};
	char msg[128];
	char hex[SPM_SHA256_HEX_SIZE];
	memset(msg, 'x', sizeof msg);
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		hex_of(msg, vectors[i].len, hex);
		assert_string_equal(hex, vectors[i].hex);
	}
}

/* Every way of cutting a message in three gives the digest of the whole. */
static void test_incremental(void **state)
{
	(void)state;
	unsigned char msg[200];
	char whole[SPM_SHA256_HEX_SIZE], parts[SPM_SHA256_HEX_SIZE];
	for (size_t i = 0; i < sizeof msg; i++)
		msg[i] = (unsigned char)(i * 37 + 11);
	hex_of(msg, sizeof msg, whole);
	for (size_t a = 0; a <= sizeof msg; a += 7) {
		for (size_t b = a; b <= sizeof msg; b += 13) {
			spm_sha256 ctx;
			unsigned char digest[SPM_SHA256_DIGEST_SIZE];
			spm_sha256_init(&ctx);
			spm_sha256_update(&ctx, msg, a);
			spm_sha256_update(&ctx, msg + a, b - a);
			spm_sha256_update(&ctx, msg + b, sizeof msg - b);
			spm_sha256_final(&ctx, digest);
			spm_sha256_hex(digest, parts);
			assert_string_equal(parts, whole);
		}
	}
	/* The digest depends on every byte. */
	msg[199] ^= 1;
	hex_of(msg, sizeof msg, parts);
	assert_string_not_equal(parts, whole);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_standard_vectors),
		cmocka_unit_test(test_million_a),
		cmocka_unit_test(test_padding_boundaries),
		cmocka_unit_test(test_incremental),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
