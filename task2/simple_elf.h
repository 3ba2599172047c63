/* simple_elf.h - just enough ELF reading to find what a dynamically linked program needs.
 *
 * An ELF executable starts with a header (Elf64_Ehdr) pointing at its program headers
 * (Elf64_Phdr), the segments the kernel and the dynamic loader look at:
 *   PT_INTERP  - the path of the program interpreter (the dynamic loader, ld-linux) that the
 *                kernel starts instead of the program itself;
 *   PT_DYNAMIC - an array of Elf64_Dyn {tag, value} entries for the loader: DT_NEEDED (one per
 *                library, the value an offset into the string table), DT_STRTAB (the string
 *                table's *virtual address*), DT_RUNPATH/DT_RPATH (extra search dirs) ...
 *   PT_LOAD    - the parts of the file mapped into memory, which let us turn a virtual address
 *                back into a file offset.
 * See elf(5).  Only 64-bit ELF files of the machine's byte order are handled.
 */
#ifndef SIMPLE_ELF_H
#define SIMPLE_ELF_H

#include <elf.h>
#include <stddef.h>

struct elf_image {
    const unsigned char *data; /* the whole file, mapped read-only */
    size_t size;
    const Elf64_Ehdr *header;
};

/* Map PATH and check it is a 64-bit ELF file.  -1 with a message printed. */
int elf_open(const char *path, struct elf_image *elf);
void elf_close(struct elf_image *elf);

/* The first program header of TYPE (PT_INTERP, PT_DYNAMIC ...), or NULL. */
const Elf64_Phdr *elf_segment(const struct elf_image *elf, Elf64_Word type);

/* The bytes a segment's file range holds (checked to lie inside the file), or NULL. */
const void *elf_segment_data(const struct elf_image *elf, const Elf64_Phdr *segment);

/* Where virtual address VADDR lies in the file (through the PT_LOAD segments), or NULL. */
const void *elf_at_address(const struct elf_image *elf, Elf64_Addr vaddr);

#endif
