/* Looks like a vmlinux to panicscope's first checks (x86-64 ELF, a symbol table, a linux_banner
 * and a build ID) but is not the dump's kernel: the vmlinux-mismatch tests write the release they
 * want over the @ placeholder in a copy of this program. */
const char linux_banner[] =
    "Linux version @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ (fake vmlinux) #1\n";

int main(void) { return linux_banner[0] == 'L' ? 0 : 1; }
