package org.wsemail.endpoint.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.cxf.feature.Feature;
import org.apache.cxf.interceptor.Interceptor;
import org.apache.cxf.message.Message;
import org.apache.cxf.ws.security.wss4j.DefaultCryptoCoverageChecker;
import org.apache.wss4j.common.ConfigurationConstants;
import org.apache.wss4j.dom.WSConstants;
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
    /** The endpoint property WSS4J reads the request's certificate with; the validator decides whether it logs anyone in. */
    private static final String USER_CRYPTO = "wsemail.userCrypto";

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
    Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put(USER_CRYPTO, WsCryptos.trusting(roots.roots()));
        return properties;
    }

    @Override
    AuthenticationMethod method() {
        return AuthenticationMethod.X509_CERTIFICATE;
    }

    @Override
    Map<String, Object> wss4j() {
        Map<String, Object> props = signedRequests(settings, ConfigurationConstants.SIGNATURE);
        props.put(ConfigurationConstants.SIG_VER_PROP_REF_ID, USER_CRYPTO);
        props.put(ConfigurationConstants.VALIDATOR_MAP, validators(WSConstants.SIGNATURE, new UserCertificateValidator(authority, users)));
        return props;
    }

    @Override
    List<Interceptor<? extends Message>> in() {
        List<Interceptor<? extends Message>> in = new ArrayList<>(super.in());
        in.add(new DefaultCryptoCoverageChecker());
        in.add(new SignatureAlgorithmsCheck());
        in.add(signatureReplays());
        return in;
    }
}
