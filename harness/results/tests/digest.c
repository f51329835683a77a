// SPDX-License-Identifier: GPL-2.0
/*
 * The SHA-256 digests run.json records (harness/results/digest.c over
 * nettle): FIPS 180-2's examples as hex, a digest taken midway that
 * leaves the hashing going on (the vector-set hash is read before the
 * last input is added), and a file's digest.
 */
#include "kr_test.h"
#include "digest.h"

/* FIPS 180-2 appendix B.1 and B.2, and the empty message */
static const struct {
	const char *in, *hex;
} fips[] = {
	{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
};

START_TEST(known_answers_as_hex)
{
	struct sha256_ctx c;
	char hex[65];

	sha256_init(&c);
	sha256_update(&c, strlen(fips[_i].in), (const uint8_t *)fips[_i].in);
	kr_sha256_hex(&c, hex);
	ck_assert_str_eq(hex, fips[_i].hex);
}
END_TEST

START_TEST(a_digest_midway_leaves_the_hash_going_on)
{
	struct sha256_ctx c;
	char hex[65];

	sha256_init(&c);
	sha256_update(&c, 2, (const uint8_t *)"ab");
	kr_sha256_hex(&c, hex);
	ck_assert_str_eq(hex, "fb8e20fc2e4c3f248c60c39bd652f3c1347298bb977b8b4d5903b85055620603");
	sha256_update(&c, 1, (const uint8_t *)"c");
	kr_sha256_hex(&c, hex);
	ck_assert_str_eq(hex, fips[1].hex);
}
END_TEST

START_TEST(a_files_digest)
{
	char *tmp = kr_tmpdir(), path[4300], hex[65], msg[4400];

	snprintf(path, sizeof(path), "%s/abc", tmp);
	kr_write(path, "abc");
	ck_assert_int_eq(kr_sha256_file(path, hex, msg, sizeof(msg)), 0);
	ck_assert_str_eq(hex, fips[1].hex);
	unlink(path);
	ck_assert_int_eq(kr_sha256_file(path, hex, msg, sizeof(msg)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(msg, "No such file"));
	rmdir(tmp);
	free(tmp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("digest");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	tcase_add_loop_test(tc, known_answers_as_hex, 0, sizeof(fips) / sizeof(fips[0]));
	tcase_add_test(tc, a_digest_midway_leaves_the_hash_going_on);
	tcase_add_test(tc, a_files_digest);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
