/* Passes for a vmlinux with an ORC header, for the orcFormatOf tests: a linux_banner and a
 * .orc_header section bounded by __start_orc_header and __stop_orc_header as the kernel's linker
 * script bounds it, holding the hash Debian's 6.12 kernel carries. Its release is a 6.1 one,
 * whose rule gives the 6.1 format, so the tests can tell which of the two decided. */
const char linux_banner[] = "Linux version 6.1.0-orc-header-fixture (panicscope tests) #1\n";

__asm__(".pushsection .orc_header, \"a\"\n"
        ".balign 4\n"
        ".globl __start_orc_header\n"
        "__start_orc_header:\n"
        ".byte 0xfe, 0x5d, 0x32, 0xbf, 0x58, 0x1b, 0xd6, 0x3b, 0x2c, 0xa9\n"
        ".byte 0xa5, 0xc6, 0x5b, 0xa5, 0xa6, 0x25, 0xea, 0xb3, 0xfe, 0x24\n"
        ".globl __stop_orc_header\n"
        "__stop_orc_header:\n"
        ".popsection\n");

int main(void) {
    return linux_banner[0] == 'L' ? 0 : 1;
}
