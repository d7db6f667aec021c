// One connection's PAM transaction, driven and logged as sshd's auth-pam.c drives it: start, authenticate, account, session, end.
package dev.sftpd.monitor.auth;

import static dev.sftpd.monitor.auth.PamLibrary.PAM;
import static dev.sftpd.monitor.auth.PamLibrary.RUNTIME;

import dev.sftpd.log.SshLog;
import java.util.List;
import java.util.Optional;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.byref.PointerByReference;

/**
 * Not thread-safe: one connection uses it at a time, and PAM calls the conversation on the thread
 * that called into PAM. The monitor runs it as root, so pam_unix reads /etc/shadow itself.
 */
public final class Pam implements AutoCloseable {
    private static final SshLog LOG = SshLog.get(Pam.class);
    /** sshd's PAM_TTY_KLUDGE (set on Linux): modules such as pam_time want a tty, and there is none yet. */
    private static final String TTY = "ssh";
    /** sshd's null_conv: once the connection is over, modules cleaning up get no one to talk to. */
    private static final Conversation NOBODY = round -> Optional.empty();

    /**
     * A PAM conversation: given the messages of one round, returns one answer per message (null
     * for ERROR_MSG and TEXT_INFO); returning empty aborts the round with PAM_CONV_ERR. Called on
     * the thread that called into PAM.
     */
    public interface Conversation {
        Optional<List<String>> round(List<Message> messages);
    }

    public record Message(int style, String text) {
        public static final int PROMPT_ECHO_OFF = PamLibrary.PROMPT_ECHO_OFF;
        public static final int PROMPT_ECHO_ON = PamLibrary.PROMPT_ECHO_ON;
        public static final int ERROR_MSG = PamLibrary.ERROR_MSG;
        public static final int TEXT_INFO = PamLibrary.TEXT_INFO;
    }

    private final Pointer handle;
    private final String user;
    private final PamConversation conversation;
    /** Held so the native trampoline lives as long as the handle: jnr frees it with its callback. */
    private final Pointer closure;
    /** The last status, which pam_end passes on to the modules' cleanup. */
    private int status;
    private boolean credentials;
    private boolean session;
    private boolean ended;

    private Pam(Pointer handle, String user, PamConversation conversation, Pointer closure) {
        this.handle = handle;
        this.user = user;
        this.conversation = conversation;
        this.closure = closure;
    }

    /** pam_start, then PAM_RHOST and PAM_TTY as sshd sets them; {@code conv} hears every later round. */
    public static Pam start(String service, String user, String remoteHost, Conversation conv) throws PamException {
        LOG.debug1("PAM: initializing for \"%s\"", user);
        PamConversation bridge = new PamConversation(conv);
        Pointer closure = RUNTIME.getClosureManager().getClosurePointer(PamLibrary.ConversationFunction.class, bridge);
        // struct pam_conv { conv; appdata_ptr }: pam_start copies it, so it need not outlive the call.
        Pointer pamConv = Memory.allocateDirect(RUNTIME, 2 * RUNTIME.addressSize(), true);
        pamConv.putPointer(0, closure);
        PointerByReference out = new PointerByReference();
        int rc = PAM.pam_start(PamLibrary.cstring(service), PamLibrary.cstring(user), pamConv, out);
        if (rc != PamLibrary.SUCCESS) {
            if (out.getValue() != null) {
                PAM.pam_end(out.getValue(), rc);
            }
            LOG.fatal("PAM: initialisation failed");
            throw new PamException("pam_start", rc, PamLibrary.strerror(null, rc));
        }
        Pam pam = new Pam(out.getValue(), user, bridge, closure);
        try {
            LOG.debug1("PAM: setting PAM_RHOST to \"%s\"", remoteHost);
            pam.check("pam_set_item", PAM.pam_set_item(pam.handle, PamLibrary.ITEM_RHOST, PamLibrary.cstring(remoteHost)));
            LOG.debug1("PAM: setting PAM_TTY to \"%s\"", TTY);
            pam.check("pam_set_item", PAM.pam_set_item(pam.handle, PamLibrary.ITEM_TTY, PamLibrary.cstring(TTY)));
        } catch (PamException e) {
            pam.close();
            LOG.fatal("PAM: initialisation failed");
            throw e;
        }
        return pam;
    }

    /**
     * pam_authenticate through the conversation given to {@link #start}: keyboard-interactive
     * relays its rounds. sshd refuses empty passwords (PAM_DISALLOW_NULL_AUTHTOK) unless
     * PermitEmptyPasswords is set.
     */
    public void authenticate(boolean permitEmptyPasswords) throws PamException {
        try {
            check("pam_authenticate", PAM.pam_authenticate(open(), nullAuthtok(permitEmptyPasswords)));
        } catch (PamException e) {
            LOG.debug3("PAM: %s", e.pamMessage());
            throw e;
        }
    }

    /**
     * sshd's sshpam_auth_passwd(): pam_authenticate with a conversation that answers every hidden
     * prompt with {@code password} and refuses visible ones; what PAM says besides goes to the
     * conversation given to {@link #start}. For a user that does not exist or may not log in, pass
     * a wrong password of the same length, as sshd does, so PAM's timing gives nothing away.
     */
    public void authenticatePassword(String password, boolean permitEmptyPasswords) throws PamException {
        Conversation connection = conversation.current();
        conversation.use(answering(password, connection));
        try {
            check("pam_authenticate", PAM.pam_authenticate(open(), nullAuthtok(permitEmptyPasswords)));
            LOG.debug1("PAM: password authentication accepted for %.100s", user);
        } catch (PamException e) {
            LOG.debug1("PAM: password authentication failed for %.100s: %s", user, e.pamMessage());
            throw e;
        } finally {
            conversation.use(connection);
        }
    }

    /**
     * pam_acct_mgmt. A refusal is logged as sshd's userauth_finish() logs it before it ends the
     * connection; PAM_NEW_AUTHTOK_REQD (see {@link PamException#passwordChangeRequired}) is not a
     * refusal to sshd, so it is not logged as one.
     */
    public void accountManagement() throws PamException {
        LOG.debug1("do_pam_account: called");
        int rc = PAM.pam_acct_mgmt(open(), 0);
        LOG.debug3("PAM: do_pam_account pam_acct_mgmt = %d (%s)", rc, PamLibrary.strerror(handle, rc));
        if (rc != PamLibrary.SUCCESS && rc != PamLibrary.NEW_AUTHTOK_REQD) {
            LOG.fatal("Access denied for user %s by PAM account configuration", user);
        }
        check("pam_acct_mgmt", rc);
    }

    /** sshd's do_pam_setcred(1) then do_pam_session(): credentials, then the session. */
    public void openSession() throws PamException {
        LOG.debug1("PAM: establishing credentials");
        try {
            check("pam_setcred", PAM.pam_setcred(open(), PamLibrary.ESTABLISH_CRED));
        } catch (PamException e) {
            LOG.fatal("PAM: pam_setcred(): %s", e.pamMessage());
            throw e;
        }
        credentials = true;
        LOG.debug3("PAM: opening session");
        try {
            check("pam_open_session", PAM.pam_open_session(handle, 0));
        } catch (PamException e) {
            // sshd carries on with a restricted session (no forwarding); an SFTP caller may too.
            LOG.error("PAM: pam_open_session(): %s", e.pamMessage());
            throw e;
        }
        session = true;
    }

    /** The reverse of {@link #openSession}, silently, as sshd's cleanup does; credentials go even if the session would not close. */
    public void closeSession() throws PamException {
        int closed = PamLibrary.SUCCESS;
        if (session) {
            LOG.debug1("PAM: closing session");
            closed = PAM.pam_close_session(open(), PamLibrary.SILENT);
            session = false;
        }
        if (credentials) {
            LOG.debug1("PAM: deleting credentials");
            PAM.pam_setcred(open(), PamLibrary.DELETE_CRED);
            credentials = false;
        }
        check("pam_close_session", closed);
    }

    /** pam_end with the last status, closing a session still open first. */
    @Override
    public void close() {
        if (ended) {
            return;
        }
        LOG.debug1("PAM: cleanup");
        conversation.use(NOBODY);
        try {
            closeSession();
        } catch (PamException e) {
            // Ending the transaction matters more; sshd ignores this status too.
        }
        PAM.pam_end(handle, status);
        ended = true;
    }

    /** PAM_USER: the name the modules settled on, which may differ from the one the client sent. */
    public String user() {
        PointerByReference item = new PointerByReference();
        int rc = PAM.pam_get_item(open(), PamLibrary.ITEM_USER, item);
        if (rc != PamLibrary.SUCCESS || item.getValue() == null) {
            throw new IllegalStateException("PAM_USER: " + PamLibrary.strerror(handle, rc));
        }
        return PamLibrary.string(item.getValue());
    }

    private static Conversation answering(String password, Conversation connection) {
        return round -> {
            if (round.stream().anyMatch(m -> m.style() == Message.PROMPT_ECHO_ON)) {
                return Optional.empty();
            }
            List<Message> notes = round.stream().filter(m -> m.style() != Message.PROMPT_ECHO_OFF).toList();
            if (!notes.isEmpty()) {
                connection.round(notes);
            }
            return Optional.of(round.stream().map(m -> m.style() == Message.PROMPT_ECHO_OFF ? password : null).toList());
        };
    }

    private static int nullAuthtok(boolean permitEmptyPasswords) {
        return permitEmptyPasswords ? 0 : PamLibrary.DISALLOW_NULL_AUTHTOK;
    }

    private Pointer open() {
        if (ended) {
            throw new IllegalStateException("PAM transaction for " + user + " already ended");
        }
        return handle;
    }

    private void check(String call, int rc) throws PamException {
        status = rc;
        if (rc != PamLibrary.SUCCESS) {
            throw new PamException(call, rc, PamLibrary.strerror(handle, rc));
        }
    }
}
