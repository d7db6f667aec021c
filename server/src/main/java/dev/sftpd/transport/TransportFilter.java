// The transport's seccomp policy in one table: the x86_64 syscalls it refuses or restricts; every other one is allowed.
package dev.sftpd.transport;

import static dev.sftpd.transport.TransportFilter.Treatment.DENY;
import static dev.sftpd.transport.TransportFilter.Treatment.DENY_FIRST_ARGUMENT;
import static dev.sftpd.transport.TransportFilter.Treatment.NOT_IMPLEMENTED;
import static dev.sftpd.transport.TransportFilter.Treatment.NO_NEW_NAMESPACE;
import static dev.sftpd.transport.TransportFilter.Treatment.OWN_PROCESS_ONLY;

import java.util.List;

/**
 * A denylist rather than an allowlist: the JVM, glibc and MINA SSHD between them make syscalls that change
 * with every release, and an allowlist that misses one kills the server. What is denied here is what turns a
 * bug in the transport into root or into another process: new programs, other processes' memory, identity
 * changes, namespaces and mounts, and kernel interfaces with a record of exploits that a JVM never uses.
 */
final class TransportFilter {
    enum Treatment {
        /** Fails with EPERM. */
        DENY,
        /** Fails with ENOSYS, which makes glibc fall back to an older syscall the filter can inspect. */
        NOT_IMPLEMENTED,
        /** Allowed only when the first argument is this process: how HotSpot and glibc signal their own threads. */
        OWN_PROCESS_ONLY,
        /** Allowed unless the flags in the first argument ask for a new namespace: thread creation must work. */
        NO_NEW_NAMESPACE,
        /** Fails with EPERM when the first argument is one of the rule's values, else allowed: prctl's options. */
        DENY_FIRST_ARGUMENT
    }

    /** A named constant of the kernel's API, such as a prctl option. */
    record Constant(String name, int value) {}

    record Rule(String syscall, int number, Treatment treatment, List<Constant> values) {
        Rule(String syscall, int number, Treatment treatment) {
            this(syscall, number, treatment, List.of());
        }
    }

    /** x86_64 numbers (arch/x86/entry/syscalls/syscall_64.tbl); SeccompTest checks them against asm/unistd_64.h. */
    static final int SECCOMP_X86_64 = 317; // seccomp itself stays allowed: a further filter can only narrow this one
    static final List<Rule> X86_64 = List.of(
            // Another program, or another process's memory and signals.
            new Rule("execve", 59, DENY),
            new Rule("execveat", 322, DENY),
            new Rule("ptrace", 101, DENY),
            new Rule("process_vm_readv", 310, DENY),
            new Rule("process_vm_writev", 311, DENY),
            new Rule("process_madvise", 440, DENY),
            new Rule("kcmp", 312, DENY),
            new Rule("pidfd_open", 434, DENY),
            new Rule("pidfd_send_signal", 424, DENY),
            new Rule("pidfd_getfd", 438, DENY),
            new Rule("tkill", 200, DENY), // names a thread of any process; glibc uses tgkill instead
            new Rule("kill", 62, OWN_PROCESS_ONLY),
            new Rule("tgkill", 234, OWN_PROCESS_ONLY),
            new Rule("rt_sigqueueinfo", 129, OWN_PROCESS_ONLY),
            new Rule("rt_tgsigqueueinfo", 297, OWN_PROCESS_ONLY),
            // Identity and capabilities.
            new Rule("setuid", 105, DENY),
            new Rule("setgid", 106, DENY),
            new Rule("setreuid", 113, DENY),
            new Rule("setregid", 114, DENY),
            new Rule("setresuid", 117, DENY),
            new Rule("setresgid", 119, DENY),
            new Rule("setfsuid", 122, DENY),
            new Rule("setfsgid", 123, DENY),
            new Rule("setgroups", 116, DENY),
            new Rule("capset", 126, DENY),
            // The options that would widen who may reach this process or what it may become; the JVM and glibc
            // use others (PR_SET_NAME, PR_GET_DUMPABLE...), and a further PR_SET_SECCOMP filter only narrows.
            new Rule("prctl", 157, DENY_FIRST_ARGUMENT, List.of(
                    new Constant("PR_SET_DUMPABLE", 4), // Seccomp.confine() clears it before the filter
                    new Constant("PR_SET_SECUREBITS", 28),
                    new Constant("PR_SET_MM", 35),
                    new Constant("PR_CAP_AMBIENT", 47),
                    new Constant("PR_SET_PTRACER", 0x59616d61))),
            // Namespaces and mounts: the way out of a chroot and into a user namespace's capabilities.
            new Rule("clone", 56, NO_NEW_NAMESPACE),
            new Rule("clone3", 435, NOT_IMPLEMENTED), // its flags sit behind a pointer BPF cannot follow
            new Rule("unshare", 272, DENY),
            new Rule("setns", 308, DENY),
            new Rule("mount", 165, DENY),
            new Rule("umount2", 166, DENY),
            new Rule("pivot_root", 155, DENY),
            new Rule("chroot", 161, DENY),
            new Rule("open_tree", 428, DENY),
            new Rule("move_mount", 429, DENY),
            new Rule("fsopen", 430, DENY),
            new Rule("fsmount", 432, DENY),
            new Rule("fspick", 433, DENY),
            new Rule("mount_setattr", 442, DENY),
            new Rule("name_to_handle_at", 303, DENY),
            new Rule("open_by_handle_at", 304, DENY), // opens by inode number, past any chroot
            // Kernel interfaces behind many local privilege escalations.
            new Rule("bpf", 321, DENY),
            new Rule("io_uring_setup", 425, DENY),
            new Rule("io_uring_enter", 426, DENY),
            new Rule("io_uring_register", 427, DENY),
            new Rule("userfaultfd", 323, DENY),
            new Rule("perf_event_open", 298, DENY),
            new Rule("keyctl", 250, DENY),
            new Rule("add_key", 248, DENY),
            new Rule("request_key", 249, DENY),
            new Rule("memfd_secret", 447, DENY),
            // Administering the machine.
            new Rule("kexec_load", 246, DENY),
            new Rule("kexec_file_load", 320, DENY),
            new Rule("init_module", 175, DENY),
            new Rule("finit_module", 313, DENY),
            new Rule("delete_module", 176, DENY),
            new Rule("reboot", 169, DENY),
            new Rule("swapon", 167, DENY),
            new Rule("swapoff", 168, DENY),
            new Rule("acct", 163, DENY),
            new Rule("quotactl", 179, DENY),
            new Rule("quotactl_fd", 443, DENY),
            new Rule("syslog", 103, DENY),
            new Rule("vhangup", 153, DENY),
            new Rule("iopl", 172, DENY),
            new Rule("ioperm", 173, DENY),
            new Rule("lookup_dcookie", 212, DENY),
            new Rule("personality", 135, DENY));

    // struct seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6] (little-endian halves).
    private static final int NR = 0;
    private static final int ARCH = 4;
    private static final int ARG0_LOW = 16;
    private static final int ARG0_HIGH = 20;

    private static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    private static final int X32_SYSCALL_BIT = 0x40000000;

    static final int RET_KILL_PROCESS = 0x80000000;
    static final int RET_ERRNO = 0x00050000;
    static final int RET_ALLOW = 0x7fff0000;
    static final int EPERM = 1;
    static final int ENOSYS = 38;

    /** CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET. */
    static final int NEW_NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000
            | 0x20000000 | 0x40000000
            // CLONE_NEWTIME: clone() reads this bit as part of the exit signal, but no valid signal has it set.
            | 0x00000080;

    private TransportFilter() {}

    /** The syscall table for {@code osArch} (the os.arch property); there is only x86_64's. */
    static List<Rule> rulesFor(String osArch) {
        if (osArch.equals("amd64") || osArch.equals("x86_64")) {
            return X86_64;
        }
        throw new UnsupportedOperationException("no seccomp syscall table for " + osArch);
    }

    /**
     * The filter for the process {@code ownPid}; the pid is built in, so a forked child gets no more than its
     * parent. A linear list is cheap: since Linux 5.11 the kernel caches the verdict for every syscall the
     * filter allows whatever its arguments, and runs the program only for the ones listed here.
     */
    static BpfProgram program(List<Rule> rules, int ownPid) {
        BpfProgram p = new BpfProgram()
                // A syscall made through another ABI would have other numbers: the table would not apply.
                .load(ARCH).jumpIfEqual(AUDIT_ARCH_X86_64, 1, 0).ret(RET_KILL_PROCESS)
                .load(NR).jumpIfAtLeast(X32_SYSCALL_BIT, 0, 1).ret(RET_ERRNO | EPERM);
        for (Rule rule : rules) {
            // Each block starts with the syscall number in the accumulator and either returns or leaves it there.
            switch (rule.treatment()) {
                case DENY -> p.jumpIfEqual(rule.number(), 0, 1).ret(RET_ERRNO | EPERM);
                case NOT_IMPLEMENTED -> p.jumpIfEqual(rule.number(), 0, 1).ret(RET_ERRNO | ENOSYS);
                // pid_t is an int and the kernel ignores the upper half, but only a caller up to no good sets it.
                case OWN_PROCESS_ONLY -> p.jumpIfEqual(rule.number(), 0, 6)
                        .load(ARG0_HIGH).jumpIfEqual(0, 0, 3)
                        .load(ARG0_LOW).jumpIfEqual(ownPid, 0, 1)
                        .ret(RET_ALLOW)
                        .ret(RET_ERRNO | EPERM);
                // The kernel reads only the lower 32 bits of clone()'s flags (lower_32_bits in kernel/fork.c).
                case NO_NEW_NAMESPACE -> p.jumpIfEqual(rule.number(), 0, 4)
                        .load(ARG0_LOW).jumpIfAnySet(NEW_NAMESPACE_FLAGS, 0, 1)
                        .ret(RET_ERRNO | EPERM)
                        .ret(RET_ALLOW);
                // prctl's option is an int: the kernel reads only the lower half, and so does this block.
                case DENY_FIRST_ARGUMENT -> {
                    int n = rule.values().size();
                    p.jumpIfEqual(rule.number(), 0, n + 3).load(ARG0_LOW);
                    for (int i = 0; i < n; i++) {
                        p.jumpIfEqual(rule.values().get(i).value(), n - i, 0);
                    }
                    p.ret(RET_ALLOW).ret(RET_ERRNO | EPERM);
                }
            }
        }
        return p.ret(RET_ALLOW);
    }
}
