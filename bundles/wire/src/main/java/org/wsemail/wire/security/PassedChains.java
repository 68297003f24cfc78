package org.wsemail.wire.security;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Certificate chains that passed a full path validation, each remembered with what it was checked
 * against (the roots, the revocation lists: whatever the caller's check depends on besides time).
 * A server signs every message and every answer with the same certificate, so the same chain would
 * otherwise be validated again and again. While what it was checked against is equal, a remembered
 * chain is only checked to be within its validity dates, the one input of path validation that
 * changes by itself.
 *
 * <p>A chain is remembered only after it passed in full, and forgotten when it fails. At most
 * {@code capacity} chains are kept; all are forgotten when it is reached, so a flood of distinct
 * chains costs full checks, never memory.
 *
 * @param <K> what identifies a check: the chain, with anything else the check depends on (the
 *            domain it must certify, for instance)
 */
public final class PassedChains<K> {
    private final int capacity;
    private final Map<K, Passed> passed = new ConcurrentHashMap<>();

    private record Passed(Object against, List<X509Certificate> path) {
    }

    public PassedChains(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Whether {@code check} passed before against an equal {@code against}. If it did, every
     * certificate of its path is checked to be within its dates now; one that is not is forgotten
     * and refused with the exception the certificate gives.
     *
     * @return true if the check passed before and its dates hold now; false if it must be done in full
     */
    public boolean passedBefore(K check, Object against) throws CertificateException {
        Passed before = passed.get(check);
        if (before == null || !before.against().equals(against)) {
            return false;
        }
        try {
            for (X509Certificate certificate : before.path()) {
                certificate.checkValidity();
            }
            return true;
        } catch (CertificateException e) {
            passed.remove(check);
            throw e;
        }
    }

    /** Remembers that {@code check} passed in full against {@code against}, validating {@code path}. */
    public void passed(K check, Object against, List<X509Certificate> path) {
        if (passed.size() >= capacity) {
            passed.clear();
        }
        passed.put(check, new Passed(against, List.copyOf(path)));
    }

    /** Forgets {@code check}: it failed in full. */
    public void failed(K check) {
        passed.remove(check);
    }

    /** How many checks are remembered now. */
    public int size() {
        return passed.size();
    }
}
