// Classic BPF as seccomp runs it: loads from struct seccomp_data, forward jumps on constants, return values.
package dev.sftpd.transport;

import com.kenai.jffi.MemoryIO;
import java.util.ArrayList;
import java.util.List;

final class BpfProgram {
    /** The kernel refuses longer programs (BPF_MAXINSNS). */
    static final int MAX_INSTRUCTIONS = 4096;

    static final int LD_W_ABS = 0x20;
    static final int JEQ_K = 0x15;
    static final int JGE_K = 0x35;
    static final int JSET_K = 0x45;
    static final int RET_K = 0x06;

    /** One struct sock_filter; jumps count instructions to skip after this one. */
    record Instruction(int code, int jt, int jf, int k) {
        boolean isJump() {
            return code == JEQ_K || code == JGE_K || code == JSET_K;
        }
    }

    private final List<Instruction> instructions = new ArrayList<>();

    /** Loads the 32-bit word at {@code offset} in struct seccomp_data into the accumulator. */
    BpfProgram load(int offset) {
        return add(new Instruction(LD_W_ABS, 0, 0, offset));
    }

    BpfProgram jumpIfEqual(int k, int jt, int jf) {
        return add(new Instruction(JEQ_K, offset(jt), offset(jf), k));
    }

    /** An unsigned comparison, as BPF's JGE is. */
    BpfProgram jumpIfAtLeast(int k, int jt, int jf) {
        return add(new Instruction(JGE_K, offset(jt), offset(jf), k));
    }

    BpfProgram jumpIfAnySet(int mask, int jt, int jf) {
        return add(new Instruction(JSET_K, offset(jt), offset(jf), mask));
    }

    BpfProgram ret(int action) {
        return add(new Instruction(RET_K, 0, 0, action));
    }

    /** The instructions, once checked to be a program the kernel will accept. */
    List<Instruction> instructions() {
        int n = instructions.size();
        if (n == 0 || n >= MAX_INSTRUCTIONS) {
            throw new IllegalStateException(
                    "a seccomp program has 1 to " + (MAX_INSTRUCTIONS - 1) + " instructions, not " + n);
        }
        for (int i = 0; i < n; i++) {
            Instruction in = instructions.get(i);
            if (in.isJump() && i + 1 + Math.max(in.jt(), in.jf()) >= n) {
                throw new IllegalStateException("instruction " + i + " jumps past the end: " + in);
            }
        }
        if (instructions.get(n - 1).code() != RET_K) {
            throw new IllegalStateException("a seccomp program must end with a return");
        }
        return List.copyOf(instructions);
    }

    /** A struct sock_fprog followed by the struct sock_filter array it points to, in one native block the caller frees. */
    long toSockFprog(MemoryIO memory) {
        List<Instruction> program = instructions();
        int header = 16; // u16 len, padding, then the 8-byte filter pointer
        long block = memory.allocateMemory(header + 8L * program.size(), true);
        memory.putShort(block, (short) program.size());
        memory.putAddress(block + 8, block + header);
        for (int i = 0; i < program.size(); i++) {
            Instruction in = program.get(i);
            long at = block + header + 8L * i;
            memory.putShort(at, (short) in.code());
            memory.putByte(at + 2, (byte) in.jt());
            memory.putByte(at + 3, (byte) in.jf());
            memory.putInt(at + 4, in.k());
        }
        return block;
    }

    private BpfProgram add(Instruction in) {
        instructions.add(in);
        return this;
    }

    private static int offset(int skip) {
        if (skip < 0 || skip > 0xff) {
            throw new IllegalArgumentException("a BPF jump skips 0 to 255 instructions, not " + skip);
        }
        return skip;
    }
}
