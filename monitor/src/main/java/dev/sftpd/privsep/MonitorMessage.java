// Every message of the monitor protocol (PROTOCOL.monitor at the repository root), by type number.
package dev.sftpd.privsep;

public enum MonitorMessage {
    FAILURE(1),
    OK(2),
    HELLO(3),
    START_REKEX(10),
    SIGN(11),
    SIGN_REPLY(12),
    AUTH_PUBKEY(20),
    AUTH_PASSWORD(21),
    AUTH_RESULT(22),
    AUTH_KBDINT_START(23),
    AUTH_KBDINT_QUERY(24),
    AUTH_KBDINT_RESPONSE(25),
    AUTH_CONTEXT(30),
    AUTH_CONTEXT_REPLY(31),
    RECORD_LOGIN(40),
    RECORD_LOGOUT(41),
    NAMES(50),
    NAMES_REPLY(51);

    private static final MonitorMessage[] BY_TYPE = new MonitorMessage[256];

    static {
        for (MonitorMessage m : values()) {
            BY_TYPE[m.type] = m;
        }
    }

    public final int type;

    MonitorMessage(int type) {
        this.type = type;
    }

    /** The message with this type byte, or null. */
    public static MonitorMessage of(int type) {
        return BY_TYPE[type & 0xff];
    }
}
