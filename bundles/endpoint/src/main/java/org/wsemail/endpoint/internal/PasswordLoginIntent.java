package org.wsemail.endpoint.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.binding.soap.SoapMessage;
import org.apache.cxf.feature.Feature;
import org.apache.cxf.interceptor.Interceptor;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.apache.cxf.ws.security.SecurityConstants;
import org.apache.cxf.ws.security.wss4j.PolicyBasedWSS4JInInterceptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.plugin.SoapIntents;
import org.wsemail.api.server.UserDirectory;

/**
 * {@value SoapIntents#PASSWORD_LOGIN}: a UsernameToken (plain-text password, with a nonce and a
 * creation time) and a Timestamp on every request, over TLS only, the password checked against the
 * user directory ({@link UserDirectoryValidator}: throttled per name and client address, replays
 * refused). A request over plain HTTP is refused before its security header is read.
 */
@Component(service = Feature.class, configurationPid = EndpointSettings.PID,
        property = Intent.NAME + "=" + SoapIntents.PASSWORD_LOGIN)
public class PasswordLoginIntent extends LoginIntent {
    private static final Logger LOG = LoggerFactory.getLogger(PasswordLoginIntent.class);

    private final UserDirectory users;
    private final LoginThrottle throttle;

    @Activate
    public PasswordLoginIntent(EndpointSettings settings, @Reference ReplayGuard replays, @Reference UserDirectory users) {
        super(settings, replays);
        this.users = users;
        this.throttle = new LoginThrottle(settings);
    }

    @Override
    AuthenticationMethod method() {
        return AuthenticationMethod.USERNAME_TOKEN;
    }

    @Override
    Map<String, Object> security() {
        Map<String, Object> props = timestamped(settings);
        props.put(SecurityConstants.USERNAMETOKEN_TTL, String.valueOf(settings.timestamp_ttl_seconds()));
        props.put(SecurityConstants.USERNAMETOKEN_FUTURE_TTL, String.valueOf(settings.future_ttl_seconds()));
        props.put(SecurityConstants.USERNAME_TOKEN_VALIDATOR, new UserDirectoryValidator(users, throttle, replays));
        return props;
    }

    @Override
    List<Interceptor<? extends Message>> in() {
        List<Interceptor<? extends Message>> in = new ArrayList<>();
        in.add(new TlsOnly());
        in.addAll(super.in());
        return in;
    }

    /** Refuses a request that did not come over TLS, whatever it carries. */
    static final class TlsOnly extends AbstractPhaseInterceptor<SoapMessage> {
        static final String REFUSAL = "Passwords are accepted only over HTTPS: this request came over plain HTTP and was refused;"
                + " treat the password it carried as exposed and change it";

        TlsOnly() {
            super(Phase.PRE_PROTOCOL);
            addBefore(PolicyBasedWSS4JInInterceptor.class.getName());
        }

        @Override
        public void handleMessage(SoapMessage message) {
            if (!ClientAddress.overTls(message)) {
                LOG.warn("Refused a password login from {} over plain HTTP", ClientAddress.of(message));
                throw new SoapFault(REFUSAL, message.getVersion().getSender());
            }
        }
    }
}
