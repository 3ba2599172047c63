/* Unit tests for file.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kit/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A file larger than the copy buffer arrives byte for byte. */
static void copies_a_large_file(void **state)
{
    (void)state;
    char src[] = "/tmp/test_file_src.XXXXXX", dst[] = "/tmp/test_file_dst.XXXXXX";
    int in = mkstemp(src), out = mkstemp(dst);
    assert_true(in >= 0 && out >= 0);
    size_t size = 200000;
    char *data = malloc(size), *back = malloc(size + 1);
    for (size_t i = 0; i < size; i++)
        data[i] = (char)(i * 7);
    assert_int_equal(write(in, data, size), (ssize_t)size);
    lseek(in, 0, SEEK_SET);
    assert_int_equal(kit_copy_fd(in, out), 0);
    lseek(out, 0, SEEK_SET);
    assert_int_equal(read(out, back, size + 1), (ssize_t)size);
    assert_memory_equal(data, back, size);
    close(in);
    close(out);
    unlink(src);
    unlink(dst);
    free(data);
    free(back);
}

static void reports_a_bad_descriptor(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "x", 1), 1);
    close(fds[1]);
    errno = 0;
    assert_int_equal(kit_copy_fd(fds[0], -1), -1);
    assert_int_equal(errno, EBADF);
    close(fds[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(copies_a_large_file),
        cmocka_unit_test(reports_a_bad_descriptor),
    };
    return cmocka_run_group_tests_name("file", tests, NULL, NULL);
}
