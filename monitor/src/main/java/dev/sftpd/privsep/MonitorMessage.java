// Every message of the monitor protocol (PROTOCOL.monitor at the repository root): its number, and how often a transport may send it in each phase.
package dev.sftpd.privsep;

public enum MonitorMessage {
    // Replies and unasked messages of the monitor: a transport may never send them.
    FAILURE(1),
    OK(2),
    HELLO(3),
    CONNECTION(6),
    SIGN_REPLY(12),
    AUTH_RESULT(22),
    AUTH_KBDINT_QUERY(24),
    ENGINE_STARTED(31),
    ENGINE_ASSIGN(41),
    NAME_REPLY(43),
    ENGINE_CONNECT(44),
    // An engine's answer to ENGINE_CONNECT, to the transport over the engine's socket (not the monitor's channel).
    CONNECT_RESULT(45),

    // What a transport sends: at most this many times while pooled, before and after authentication.
    LOG(4, Phase.ANY, Phase.ANY, Phase.ANY),
    TRANSPORT_READY(5, 1, 0, 0),
    // One key exchange may be signed before authentication: the first, which fixes the session id.
    START_REKEX(10, 0, 1, Phase.ANY),
    SIGN(11, 0, 1, Phase.ANY),
    AUTH_PUBKEY(20, 0, Phase.ANY, 0),
    AUTH_PASSWORD(21, 0, Phase.ANY, 0),
    AUTH_KBDINT_START(23, 0, Phase.ANY, 0),
    AUTH_KBDINT_RESPONSE(25, 0, Phase.ANY, 0),
    ENGINE_START(30, 0, 0, Phase.ANY),
    FORWARD_OPEN(32, 0, 0, Phase.ANY),

    // What an engine sends on its own channel, never a transport (so no phase allows them): READY once;
    // NAME_QUERY from a chroot, where NSS cannot answer; AUDIT, with AuditLog, any number of times after
    // ENGINE_ASSIGN, each at most AuditBatch.MAX_RECORDS reports (monitor/EngineChannel holds these rules).
    ENGINE_READY(40),
    NAME_QUERY(42),
    AUDIT(46);

    /** The phases of a transport's channel, in order. */
    public enum Phase {
        POOLED, PREAUTH, POSTAUTH;

        /** No limit. */
        static final int ANY = Integer.MAX_VALUE;
    }
    private static final MonitorMessage[] BY_TYPE = new MonitorMessage[256];

    static {
        for (MonitorMessage m : values()) {
            BY_TYPE[m.type] = m;
        }
    }

    public final int type;
    /** Indexed by Phase ordinal: how many of this message a transport may send in that phase. */
    private final int[] limits;

    MonitorMessage(int type, int... limits) {
        this.type = type;
        this.limits = limits.length == 0 ? new int[Phase.values().length] : limits;
    }

    /** The message with this type byte, or null. */
    public static MonitorMessage of(int type) {
        return BY_TYPE[type & 0xff];
    }

    /** How many of this message a transport may send in a phase; 0 where it is not allowed at all. */
    public int limit(Phase phase) {
        return limits[phase.ordinal()];
    }
}
