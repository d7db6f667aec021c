/**
 * The privileged monitor: runs as root, never parses SSH traffic; signs key exchanges,
 * decides authentication and keeps login records for its per-connection workers.
 * Built by the issue "sftpd: the privilege-separated daemon".
 */
package dev.sftpd.monitor;
