// A monitor packet that breaks the protocol: malformed, oversized, unknown, or not allowed now.
package dev.sftpd.privsep;

public final class MonitorProtocolException extends Exception {
    public MonitorProtocolException(String message) {
        super(message, null, false, false);
    }
}
