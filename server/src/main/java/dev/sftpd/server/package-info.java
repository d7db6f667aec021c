/**
 * The sftpd program: command line, sshd_config-style configuration, listener and the
 * worker's SSH transport. Built by the issue "sftpd: the privilege-separated daemon".
 */
package dev.sftpd.server;
