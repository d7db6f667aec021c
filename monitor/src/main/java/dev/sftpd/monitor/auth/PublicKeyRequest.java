// The data a publickey signature covers (RFC 4252 section 7), built or checked by the monitor.
package dev.sftpd.monitor.auth;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.BufferException;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * string session_id, byte SSH_MSG_USERAUTH_REQUEST, string user, string service,
 * string "publickey", boolean TRUE, string algorithm, string key blob. The monitor either
 * rebuilds these bytes from the session id it recorded, or parses what the worker sent and
 * compares each part with what it knows, as monitor_valid_userblob() does.
 */
public record PublicKeyRequest(byte[] sessionId, String user, String service, String algorithm, byte[] keyBlob) {
    public static final String CONNECTION_SERVICE = "ssh-connection";
    private static final int SSH_MSG_USERAUTH_REQUEST = 50;
    private static final String METHOD = "publickey";

    public byte[] signedData() {
        Buffer b = new ByteArrayBuffer();
        b.putBytes(sessionId);
        b.putByte((byte) SSH_MSG_USERAUTH_REQUEST);
        b.putString(user);
        b.putString(service);
        b.putString(METHOD);
        b.putBoolean(true);
        b.putString(algorithm);
        b.putBytes(keyBlob);
        return b.getCompactData();
    }

    /** Refuses anything but exactly one well-formed publickey request that carries a signature. */
    public static PublicKeyRequest parse(byte[] signedData) throws IllegalArgumentException {
        try {
            Buffer b = new ByteArrayBuffer(signedData);
            byte[] sessionId = b.getBytes();
            if (b.getUByte() != SSH_MSG_USERAUTH_REQUEST) {
                throw new IllegalArgumentException("not a USERAUTH_REQUEST");
            }
            String user = utf8(b.getBytes());
            String service = utf8(b.getBytes());
            if (!METHOD.equals(utf8(b.getBytes()))) {
                throw new IllegalArgumentException("method is not publickey");
            }
            // SSH booleans: any non-zero byte is TRUE; FALSE would be a query, which carries no signature.
            if (b.getUByte() == 0) {
                throw new IllegalArgumentException("request carries no signature");
            }
            String algorithm = utf8(b.getBytes());
            byte[] keyBlob = b.getBytes();
            if (b.available() != 0) {
                throw new IllegalArgumentException("trailing data after the key blob");
            }
            return new PublicKeyRequest(sessionId, user, service, algorithm, keyBlob);
        } catch (BufferException e) {
            throw new IllegalArgumentException("truncated publickey request", e);
        }
    }

    /**
     * The key the blob holds, refused when the request's algorithm is not one its type signs with
     * (sshd: "type mismatch for decoded key") or when sshd would refuse the key itself.
     */
    public PublicKey publicKey() throws IllegalArgumentException {
        PublicKey key = Keys.fromBlob(keyBlob);
        if (!PublicKeySignature.algorithms(key).contains(algorithm)) {
            throw new IllegalArgumentException("type mismatch for decoded key: " + algorithm + " for " + Keys.type(key));
        }
        return key;
    }

    /** Strict: two different byte strings must never decode to the same user name. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("string is not UTF-8", e);
        }
    }
}
