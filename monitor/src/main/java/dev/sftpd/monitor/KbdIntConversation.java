// A PAM conversation for keyboard-interactive: PAM runs on its own thread and the monitor relays each round.
package dev.sftpd.monitor;

import dev.sftpd.monitor.auth.Pam;
import dev.sftpd.monitor.auth.PamException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * pam_authenticate() calls back with prompts and waits for answers, while the worker can
 * only ask and be answered; so PAM runs on a thread of its own, and {@link #next} hands the
 * monitor either the next round of prompts or the outcome. Informational messages are
 * gathered into the instruction of the next round, as sshd's kbdint device does.
 */
final class KbdIntConversation implements Pam.Conversation {
    /** One round for the client: prompts and whether each may be echoed. */
    record Query(String instruction, List<String> prompts, List<Boolean> echo) {}

    /** The end: the PAM handle (open, authenticated, account checked) or why it failed. */
    record Outcome(Optional<Pam> pam, String failure) {}

    private final BlockingQueue<Object> toMonitor = new LinkedBlockingQueue<>();
    private final BlockingQueue<Optional<List<String>>> answers = new LinkedBlockingQueue<>();
    private final Duration patience;
    private final StringBuilder info = new StringBuilder();

    private KbdIntConversation(Duration patience) {
        this.patience = patience;
    }

    /** Starts PAM for user; answers wait at most patience (LoginGraceTime) before PAM is told to give up. */
    static KbdIntConversation start(String user, String remoteHost, boolean permitEmpty, Duration patience) {
        KbdIntConversation c = new KbdIntConversation(patience);
        Thread t = new Thread(() -> c.run(user, remoteHost, permitEmpty), "pam-" + user);
        t.setDaemon(true);
        t.start();
        return c;
    }

    private void run(String user, String remoteHost, boolean permitEmpty) {
        Pam pam = null;
        try {
            pam = Pam.start(AuthSettings.PAM_SERVICE, user, remoteHost, this);
            pam.authenticate(permitEmpty);
            pam.accountManagement();
            toMonitor.add(new Outcome(Optional.of(pam), null));
        } catch (PamException e) {
            if (pam != null) {
                pam.close();
            }
            toMonitor.add(new Outcome(Optional.empty(), e.getMessage()));
        }
    }

    /** The next Query or Outcome. */
    Object next() throws InterruptedException {
        return toMonitor.take();
    }

    void answer(List<String> replies) {
        answers.add(Optional.of(replies));
    }

    /** The client went elsewhere: PAM gets a conversation error and ends. */
    void abandon() {
        answers.add(Optional.empty());
    }

    @Override
    public Optional<List<String>> round(List<Pam.Message> messages) {
        List<String> prompts = new ArrayList<>();
        List<Boolean> echo = new ArrayList<>();
        for (Pam.Message m : messages) {
            if (m.style() == Pam.Message.PROMPT_ECHO_OFF || m.style() == Pam.Message.PROMPT_ECHO_ON) {
                prompts.add(m.text());
                echo.add(m.style() == Pam.Message.PROMPT_ECHO_ON);
            } else {
                info.append(m.text()).append('\n');
            }
        }
        if (prompts.isEmpty()) {
            return Optional.of(nulls(messages.size()));
        }
        toMonitor.add(new Query(info.toString(), prompts, echo));
        info.setLength(0);
        Optional<List<String>> replies;
        try {
            replies = answers.poll(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        if (replies == null || replies.isEmpty() || replies.get().size() != prompts.size()) {
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        int next = 0;
        for (Pam.Message m : messages) {
            boolean prompt = m.style() == Pam.Message.PROMPT_ECHO_OFF || m.style() == Pam.Message.PROMPT_ECHO_ON;
            out.add(prompt ? replies.get().get(next++) : null);
        }
        return Optional.of(out);
    }

    private static List<String> nulls(int n) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(null);
        }
        return l;
    }
}
