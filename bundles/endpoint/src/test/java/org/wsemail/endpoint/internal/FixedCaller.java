package org.wsemail.endpoint.internal;

import java.security.cert.X509Certificate;

import org.wsemail.api.Address;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.ProcessingEnvironment;

/** A caller as WS-Security would have authenticated it, without a SOAP stack. */
final class FixedCaller implements Caller {
    private final Address user;
    private final X509Certificate certificate;
    private final boolean encrypted;

    FixedCaller(Address user, X509Certificate certificate, boolean encrypted) {
        this.user = user;
        this.certificate = certificate;
        this.encrypted = encrypted;
    }

    static FixedCaller user(String address) {
        return new FixedCaller(Address.parse(address), null, false);
    }

    @Override
    public Address user() {
        return user;
    }

    @Override
    public X509Certificate certificate() {
        return certificate;
    }

    @Override
    public ProcessingEnvironment environment(Address caller, AuthenticationMethod method, boolean localUser) {
        return ProcessingEnvironment.of(caller, method, localUser);
    }

    @Override
    public boolean arrivedEncrypted() {
        return encrypted;
    }
}
