package org.wsemail.security.internal;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Function;

import org.wsemail.api.server.TrustedRoots;

/**
 * Something built from the trusted roots (trust anchors, a trust manager), built again only when the
 * roots change: {@link TrustedRoots#roots()} returns the same list until then. Thread-safe.
 */
final class RootsDerived<T> {
    private final TrustedRoots roots;
    private final Function<List<X509Certificate>, T> build;

    private record Built<T>(List<X509Certificate> from, T value) {
    }

    private volatile Built<T> built;

    RootsDerived(TrustedRoots roots, Function<List<X509Certificate>, T> build) {
        this.roots = roots;
        this.build = build;
    }

    /** What the roots trusted now give. */
    T get() {
        List<X509Certificate> current = roots.roots();
        Built<T> cached = built;
        if (cached == null || cached.from() != current) {
            cached = new Built<>(current, build.apply(current));
            built = cached;
        }
        return cached.value();
    }
}
