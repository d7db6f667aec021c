// The native pam_conv callback: turns PAM's message array into a Pam.Conversation round and its answers into malloc'ed replies.
package dev.sftpd.monitor.auth;

import dev.sftpd.log.SshLog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import jnr.ffi.Pointer;

/**
 * One per PAM handle; PAM calls it on the thread inside pam_authenticate and friends. Which
 * conversation answers can change between calls, as sshd swaps PAM_CONV per operation.
 */
final class PamConversation implements PamLibrary.ConversationFunction {
    private static final SshLog LOG = SshLog.get(PamConversation.class);
    private static final int ADDRESS = PamLibrary.RUNTIME.addressSize();
    /** struct pam_message { int msg_style; const char *msg; }: the pointer is aligned to its size. */
    private static final int MESSAGE_TEXT = ADDRESS;
    /** struct pam_response { char *resp; int resp_retcode; }, padded to pointer alignment. */
    private static final int RESPONSE_SIZE = 2 * ADDRESS;

    private volatile Pam.Conversation current;

    PamConversation(Pam.Conversation conversation) {
        this.current = conversation;
    }

    Pam.Conversation current() {
        return current;
    }

    void use(Pam.Conversation conversation) {
        current = conversation;
    }

    @Override
    public int call(int count, Pointer messages, Pointer responses, Pointer appdata) {
        responses.putPointer(0, null);
        if (count <= 0 || count > PamLibrary.MAX_NUM_MSG) {
            return PamLibrary.CONV_ERR;
        }
        List<Pam.Message> round = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Pointer m = messages.getPointer((long) i * ADDRESS);
            int style = m.getInt(0);
            // sshd's conversations refuse the Linux-PAM extensions (radio, binary prompts) too.
            if (style < PamLibrary.PROMPT_ECHO_OFF || style > PamLibrary.TEXT_INFO) {
                return PamLibrary.CONV_ERR;
            }
            round.add(new Pam.Message(style, PamLibrary.string(m.getPointer(MESSAGE_TEXT))));
        }
        Optional<List<String>> answers;
        try {
            answers = current.round(round);
        } catch (RuntimeException e) {
            // An exception must not unwind through libpam's C frames.
            LOG.error("PAM: conversation failed: %s", e);
            return PamLibrary.CONV_ERR;
        }
        if (answers.isEmpty() || answers.get().size() != count || !answered(round, answers.get())) {
            return PamLibrary.CONV_ERR;
        }
        return reply(answers.get(), responses);
    }

    /** Every prompt needs an answer, and no answer may hold a NUL that C would cut it at. */
    private static boolean answered(List<Pam.Message> round, List<String> answers) {
        for (int i = 0; i < answers.size(); i++) {
            String a = answers.get(i);
            boolean prompt = round.get(i).style() < PamLibrary.ERROR_MSG;
            if ((a == null && prompt) || (a != null && a.indexOf('\0') >= 0)) {
                return false;
            }
        }
        return true;
    }

    private static int reply(List<String> answers, Pointer responses) {
        Pointer reply = PamLibrary.LIBC.calloc(answers.size(), RESPONSE_SIZE);
        if (reply == null) {
            return PamLibrary.BUF_ERR;
        }
        for (int i = 0; i < answers.size(); i++) {
            if (answers.get(i) == null) {
                continue;
            }
            byte[] text = answers.get(i).getBytes(StandardCharsets.UTF_8);
            Pointer copy = PamLibrary.LIBC.malloc(text.length + 1L);
            if (copy != null) {
                copy.put(0, text, 0, text.length);
                copy.putByte(text.length, (byte) 0);
            }
            Arrays.fill(text, (byte) 0);
            if (copy == null) {
                free(reply, i);
                return PamLibrary.BUF_ERR;
            }
            reply.putPointer((long) i * RESPONSE_SIZE, copy);
        }
        responses.putPointer(0, reply);
        return PamLibrary.SUCCESS;
    }

    private static void free(Pointer reply, int filled) {
        for (int i = 0; i < filled; i++) {
            Pointer answer = reply.getPointer((long) i * RESPONSE_SIZE);
            if (answer != null) {
                PamLibrary.LIBC.free(answer);
            }
        }
        PamLibrary.LIBC.free(reply);
    }
}
