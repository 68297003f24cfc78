package org.wsemail.endpoint.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.cxf.feature.Feature;
import org.apache.cxf.interceptor.Interceptor;
import org.apache.cxf.message.Message;
import org.apache.cxf.ws.security.SecurityConstants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.plugin.SoapIntents;
import org.wsemail.api.server.CertificateAuthority;
import org.wsemail.api.server.TrustedRoots;
import org.wsemail.api.server.UserDirectory;
import org.wsemail.wire.security.WsCryptos;

/**
 * {@value SoapIntents#CERTIFICATE_LOGIN}: a request signed with the user's certificate (a
 * BinarySecurityToken), body and timestamp both signed (checked by the coverage checker),
 * RSA-SHA256 over exclusive C14N only; whose certificate it is decides {@link
 * UserCertificateValidator}. A signed timestamp seen before is a replay.
 */
@Component(service = Feature.class, configurationPid = EndpointSettings.PID,
        property = Intent.NAME + "=" + SoapIntents.CERTIFICATE_LOGIN)
public class CertificateLoginIntent extends LoginIntent {
    private final CertificateAuthority authority;
    private final UserDirectory users;
    private final TrustedRoots roots;

    @Activate
    public CertificateLoginIntent(EndpointSettings settings, @Reference ReplayGuard replays,
            @Reference CertificateAuthority authority, @Reference UserDirectory users, @Reference TrustedRoots roots) {
        super(settings, replays);
        this.authority = authority;
        this.users = users;
        this.roots = roots;
    }

    @Override
    AuthenticationMethod method() {
        return AuthenticationMethod.X509_CERTIFICATE;
    }

    @Override
    Map<String, Object> security() {
        Map<String, Object> props = signedRequests(settings);
        // WSS4J reads the request's certificate with this crypto; the validator decides whether it logs anyone in.
        props.put(SecurityConstants.SIGNATURE_CRYPTO, WsCryptos.trusting(roots.roots()));
        props.put(SecurityConstants.SIGNATURE_TOKEN_VALIDATOR, new UserCertificateValidator(authority, users));
        return props;
    }

    @Override
    List<Interceptor<? extends Message>> in() {
        List<Interceptor<? extends Message>> in = new ArrayList<>(super.in());
        in.add(coverage());
        in.add(new SignatureAlgorithmsCheck());
        in.add(signatureReplays());
        return in;
    }
}
