/* simple_elf.c - mapping an ELF file and finding its segments (see simple_elf.h). */
#include "simple_elf.h"

#include "kit/err.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int elf_open(const char *path, struct elf_image *elf)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return kit_fail_errno("open %s", path);
    struct stat st;
    if (fstat(fd, &st) < 0) {
        close(fd);
        return kit_fail_errno("stat %s", path);
    }
    if ((size_t)st.st_size < sizeof(Elf64_Ehdr)) {
        close(fd);
        return kit_fail("%s: too small to be an ELF file", path);
    }
    void *data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (data == MAP_FAILED)
        return kit_fail_errno("map %s", path);
    elf->data = data;
    elf->size = (size_t)st.st_size;
    elf->header = data;
    const unsigned char *ident = elf->header->e_ident;
    const char *problem = NULL;
    if (memcmp(ident, ELFMAG, SELFMAG) != 0)
        problem = "not an ELF file";
    else if (ident[EI_CLASS] != ELFCLASS64)
        problem = "not a 64-bit ELF file";
    else if (elf->header->e_phentsize != sizeof(Elf64_Phdr) ||
             elf->header->e_phoff > elf->size ||
             (size_t)elf->header->e_phnum * sizeof(Elf64_Phdr) > elf->size - elf->header->e_phoff)
        problem = "bad program header table";
    if (problem) {
        elf_close(elf);
        return kit_fail("%s: %s", path, problem);
    }
    return 0;
}

void elf_close(struct elf_image *elf)
{
    if (elf->data)
        munmap((void *)elf->data, elf->size);
    elf->data = NULL;
}

static const Elf64_Phdr *program_headers(const struct elf_image *elf)
{
    return (const Elf64_Phdr *)(elf->data + elf->header->e_phoff);
}

const Elf64_Phdr *elf_segment(const struct elf_image *elf, Elf64_Word type)
{
    const Elf64_Phdr *ph = program_headers(elf);
    for (Elf64_Half i = 0; i < elf->header->e_phnum; i++)
        if (ph[i].p_type == type)
            return &ph[i];
    return NULL;
}

const void *elf_segment_data(const struct elf_image *elf, const Elf64_Phdr *segment)
{
    if (segment->p_offset > elf->size || segment->p_filesz > elf->size - segment->p_offset)
        return NULL;
    return elf->data + segment->p_offset;
}

const void *elf_at_address(const struct elf_image *elf, Elf64_Addr vaddr)
{
    const Elf64_Phdr *ph = program_headers(elf);
    for (Elf64_Half i = 0; i < elf->header->e_phnum; i++) {
        if (ph[i].p_type != PT_LOAD || vaddr < ph[i].p_vaddr ||
            vaddr - ph[i].p_vaddr >= ph[i].p_filesz)
            continue;
        Elf64_Off offset = ph[i].p_offset + (vaddr - ph[i].p_vaddr);
        return offset < elf->size ? elf->data + offset : NULL;
    }
    return NULL;
}
