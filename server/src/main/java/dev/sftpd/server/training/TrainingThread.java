// A training run's stand-in for another process (its monitor, its client): a daemon thread whose failure fails the run.
package dev.sftpd.server.training;

final class TrainingThread {
    interface Step {
        void run() throws Exception;
    }

    private TrainingThread() {}

    /** Runs step on its own thread; an exception ends the JVM with status 1, so the archive is not made. */
    static void start(String name, Step step) {
        Thread t = new Thread(() -> {
            try {
                step.run();
            } catch (Exception e) {
                e.printStackTrace();
                Runtime.getRuntime().halt(1);
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }
}
