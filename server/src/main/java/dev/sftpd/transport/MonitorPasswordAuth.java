// The "password" method: the password goes to the monitor (PAM or shadow) and never stays in the worker.
package dev.sftpd.transport;

import dev.sftpd.privsep.MonitorCalls;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.auth.UserAuthFactory;

final class MonitorPasswordAuth extends MonitorAuth {
    static final String NAME = "password";

    MonitorPasswordAuth(MonitorCalls monitor) {
        super(NAME, monitor);
    }

    static UserAuthFactory factory(MonitorCalls monitor) {
        return factory(NAME, name -> new MonitorPasswordAuth(monitor));
    }

    @Override
    protected Boolean doAuth(Buffer buffer, boolean init) throws Exception {
        boolean change = buffer.getBoolean();
        String password = buffer.getString();
        if (change || PreauthSession.endsOnNul(getServerSession(), password)) {
            // Changing an expired password over SSH is not offered, as sshd without PAM.
            // (A NUL in the password has ended the connection.)
            return Boolean.FALSE;
        }
        return verdict(monitor.authPassword(getUsername(), getService(), password));
    }
}
