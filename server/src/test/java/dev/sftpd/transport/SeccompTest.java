// The transport's seccomp filter without a kernel: its syscall numbers against the kernel headers, and what it answers.
package dev.sftpd.transport;

import static dev.sftpd.transport.TransportFilter.ENOSYS;
import static dev.sftpd.transport.TransportFilter.EPERM;
import static dev.sftpd.transport.TransportFilter.RET_ALLOW;
import static dev.sftpd.transport.TransportFilter.RET_ERRNO;
import static dev.sftpd.transport.TransportFilter.RET_KILL_PROCESS;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sftpd.transport.BpfProgram.Instruction;
import dev.sftpd.transport.TransportFilter.Constant;
import dev.sftpd.transport.TransportFilter.Rule;
import dev.sftpd.transport.TransportFilter.Treatment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SeccompTest {
    private static final Path UNISTD_64 = Path.of("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");
    private static final Pattern DEFINE = Pattern.compile("^#define __NR_(\\w+) (\\d+)$");
    private static final Path PRCTL_H = Path.of("/usr/include/linux/prctl.h");
    private static final Pattern PRCTL_DEFINE = Pattern.compile("^#define (PR_\\w+)\\s+(0x\\p{XDigit}+|\\d+)\\s*$");
    private static final int PRCTL = 157;
    private static final int OWN_PID = 4242;
    private static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    private static final int AUDIT_ARCH_I386 = 0x40000003;
    private static final List<Instruction> PROGRAM =
            TransportFilter.program(TransportFilter.X86_64, OWN_PID).instructions();

    @Test
    void everySyscallNumberIsTheOneInUnistd64() throws IOException {
        assumeTrue(Files.exists(UNISTD_64), UNISTD_64 + " is absent (package linux-libc-dev): numbers not checked");
        Map<String, Integer> header = new HashMap<>();
        for (String line : Files.readAllLines(UNISTD_64)) {
            Matcher m = DEFINE.matcher(line);
            if (m.matches()) {
                header.put(m.group(1), Integer.valueOf(m.group(2)));
            }
        }
        assertEquals(header.get("seccomp"), TransportFilter.SECCOMP_X86_64, "seccomp");
        assertAll(TransportFilter.X86_64.stream().map(rule -> () ->
                assertEquals(header.get(rule.syscall()), rule.number(), rule.syscall())));
    }

    @Test
    void everyPrctlOptionIsTheOneInPrctlH() throws IOException {
        assumeTrue(Files.exists(PRCTL_H), PRCTL_H + " is absent (package linux-libc-dev): options not checked");
        Map<String, Integer> header = new HashMap<>();
        for (String line : Files.readAllLines(PRCTL_H)) {
            Matcher m = PRCTL_DEFINE.matcher(line);
            if (m.matches()) {
                header.put(m.group(1), Integer.decode(m.group(2)));
            }
        }
        assertAll(prctlDenied().stream().map(option -> () ->
                assertEquals(header.get(option.name()), option.value(), option.name())));
    }

    @Test
    void eachSyscallHasOneRule() {
        assertEquals(TransportFilter.X86_64.size(),
                TransportFilter.X86_64.stream().map(Rule::number).distinct().count());
    }

    @Test
    void theProgramIsShorterThanTheKernelsLimit() {
        assertTrue(PROGRAM.size() < BpfProgram.MAX_INSTRUCTIONS, PROGRAM.size() + " instructions");
    }

    @Test
    void everyJumpLandsInsideTheProgram() {
        for (int i = 0; i < PROGRAM.size(); i++) {
            Instruction in = PROGRAM.get(i);
            if (in.isJump()) {
                assertTrue(in.jt() <= 0xff && in.jf() <= 0xff, "offsets fit a u8 at " + i + ": " + in);
                assertTrue(i + 1 + Math.max(in.jt(), in.jf()) < PROGRAM.size(), "target inside at " + i + ": " + in);
            }
        }
    }

    @Test
    void aSyscallThroughAnotherAbiKillsTheProcess() {
        assertEquals(RET_KILL_PROCESS, run(AUDIT_ARCH_I386, 39));
    }

    @Test
    void x32SyscallsFailWithEperm() {
        assertEquals(RET_ERRNO | EPERM, run(AUDIT_ARCH_X86_64, 0x40000000 | 39));
    }

    @Test
    void everyDeniedSyscallFailsWithEperm() {
        assertAll(rules(Treatment.DENY).stream().map(rule -> () ->
                assertEquals(RET_ERRNO | EPERM, run(AUDIT_ARCH_X86_64, rule.number()), rule.syscall())));
    }

    @Test
    void clone3FailsWithEnosysSoThatGlibcFallsBackToClone() {
        assertEquals(List.of("clone3"), rules(Treatment.NOT_IMPLEMENTED).stream().map(Rule::syscall).toList());
        assertEquals(RET_ERRNO | ENOSYS, run(AUDIT_ARCH_X86_64, 435, 0, 88));
    }

    @Test
    void signalsReachOnlyThisProcess() {
        assertEquals(List.of("kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"),
                rules(Treatment.OWN_PROCESS_ONLY).stream().map(Rule::syscall).toList());
        assertAll(rules(Treatment.OWN_PROCESS_ONLY).stream().map(rule -> () -> {
            assertEquals(RET_ALLOW, run(AUDIT_ARCH_X86_64, rule.number(), OWN_PID, 7), rule.syscall());
            assertEquals(RET_ERRNO | EPERM, run(AUDIT_ARCH_X86_64, rule.number(), 1, 7), rule.syscall() + " to init");
            assertEquals(RET_ERRNO | EPERM, run(AUDIT_ARCH_X86_64, rule.number(), -1, 7), rule.syscall() + " to all");
            assertEquals(RET_ERRNO | EPERM, run(AUDIT_ARCH_X86_64, rule.number(), (1L << 32) | OWN_PID, 7),
                    rule.syscall() + " with the upper half set");
        }));
    }

    @Test
    void cloneMakesThreadsAndForksButNoNamespaces() {
        long thread = 0x3d0f00; // glibc's pthread_create: CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|...
        long fork = 17; // SIGCHLD
        assertEquals(RET_ALLOW, run(AUDIT_ARCH_X86_64, 56, thread));
        assertEquals(RET_ALLOW, run(AUDIT_ARCH_X86_64, 56, fork));
        for (long flag : List.of(0x00020000L, 0x02000000L, 0x04000000L, 0x08000000L, 0x10000000L, 0x20000000L,
                0x40000000L)) {
            assertEquals(RET_ERRNO | EPERM, run(AUDIT_ARCH_X86_64, 56, fork | flag), Long.toHexString(flag));
        }
    }

    @Test
    void prctlRefusesTheOptionsThatWidenWhoMayReachTheProcess() {
        assertEquals(List.of("PR_SET_DUMPABLE", "PR_SET_SECUREBITS", "PR_SET_MM", "PR_CAP_AMBIENT", "PR_SET_PTRACER"),
                prctlDenied().stream().map(Constant::name).toList());
        assertAll(prctlDenied().stream().map(option -> () -> {
            assertEquals(RET_ERRNO | EPERM, run(AUDIT_ARCH_X86_64, PRCTL, option.value(), 1), option.name());
            // The kernel reads the option as an int: an upper half does not make it another option.
            assertEquals(RET_ERRNO | EPERM, run(AUDIT_ARCH_X86_64, PRCTL, (1L << 32) | option.value(), 1),
                    option.name() + " with the upper half set");
        }));
    }

    @Test
    void prctlAllowsEveryOtherOption() {
        // PR_GET_DUMPABLE, PR_SET_NAME, PR_GET_NAME, PR_SET_SECCOMP, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS
        for (int option : List.of(3, 15, 16, 22, 24, 38)) {
            assertEquals(RET_ALLOW, run(AUDIT_ARCH_X86_64, PRCTL, option, 1), "option " + option);
        }
    }

    @Test
    void everyOtherSyscallIsAllowed() {
        // read, write, getpid, gettid, futex, exit_group, seccomp
        for (int nr : List.of(0, 1, 39, 186, 202, 231, 317)) {
            assertEquals(RET_ALLOW, run(AUDIT_ARCH_X86_64, nr), "syscall " + nr);
        }
    }

    @Test
    void anArchitectureWithoutATableIsRefused() {
        var e = assertThrows(UnsupportedOperationException.class, () -> TransportFilter.rulesFor("aarch64"));
        assertEquals("no seccomp syscall table for aarch64", e.getMessage());
    }

    private static List<Constant> prctlDenied() {
        List<Rule> rules = rules(Treatment.DENY_FIRST_ARGUMENT);
        assertEquals(List.of("prctl"), rules.stream().map(Rule::syscall).toList());
        return rules.get(0).values();
    }

    private static List<Rule> rules(Treatment treatment) {
        return TransportFilter.X86_64.stream().filter(r -> r.treatment() == treatment).toList();
    }

    /** Runs the program as the kernel would on a struct seccomp_data, and returns its verdict. */
    private static int run(int arch, int nr, long... args) {
        int a = 0;
        for (int pc = 0; ; pc++) {
            Instruction in = PROGRAM.get(pc);
            switch (in.code()) {
                case BpfProgram.LD_W_ABS -> a = word(in.k(), arch, nr, args);
                case BpfProgram.JEQ_K -> pc += a == in.k() ? in.jt() : in.jf();
                case BpfProgram.JGE_K -> pc += Integer.compareUnsigned(a, in.k()) >= 0 ? in.jt() : in.jf();
                case BpfProgram.JSET_K -> pc += (a & in.k()) != 0 ? in.jt() : in.jf();
                case BpfProgram.RET_K -> {
                    return in.k();
                }
                default -> throw new AssertionError("unexpected instruction " + in);
            }
        }
    }

    /** The 32-bit word at {@code offset} of struct seccomp_data {int nr; u32 arch; u64 ip; u64 args[6];}. */
    private static int word(int offset, int arch, int nr, long... args) {
        if (offset == 0) {
            return nr;
        }
        if (offset == 4) {
            return arch;
        }
        assertTrue(offset >= 16 && offset < 64 && offset % 4 == 0, "load from offset " + offset);
        int index = (offset - 16) / 8;
        long arg = index < args.length ? args[index] : 0;
        return (int) (offset % 8 == 0 ? arg : arg >>> 32);
    }
}
