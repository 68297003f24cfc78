package org.wsemail.endpoint.internal;

import java.util.Map;

import org.apache.cxf.feature.Feature;
import org.apache.wss4j.common.ConfigurationConstants;
import org.apache.wss4j.dom.WSConstants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.plugin.SoapIntents;
import org.wsemail.api.server.UserDirectory;

/**
 * {@value SoapIntents#PASSWORD_LOGIN}: a UsernameToken (plain-text password, with a nonce and a
 * creation time) and a Timestamp on every request, the password checked against the user directory.
 * A token seen before within its lifetime is a replay and refused.
 */
@Component(service = Feature.class, configurationPid = EndpointSettings.PID,
        property = Intent.NAME + "=" + SoapIntents.PASSWORD_LOGIN)
public class PasswordLoginIntent extends LoginIntent {
    private final EndpointSettings settings;
    private final UserDirectory users;

    @Activate
    public PasswordLoginIntent(EndpointSettings settings, @Reference UserDirectory users) {
        this.settings = settings;
        this.users = users;
    }

    @Override
    AuthenticationMethod method() {
        return AuthenticationMethod.USERNAME_TOKEN;
    }

    @Override
    Map<String, Object> wss4j() {
        Map<String, Object> props = timestamped(settings, ConfigurationConstants.USERNAME_TOKEN);
        props.put(ConfigurationConstants.PASSWORD_TYPE, WSConstants.PW_TEXT);
        props.put(ConfigurationConstants.TTL_USERNAMETOKEN, String.valueOf(settings.timestamp_ttl_seconds()));
        props.put(ConfigurationConstants.TTL_FUTURE_USERNAMETOKEN, String.valueOf(settings.future_ttl_seconds()));
        props.put(ConfigurationConstants.VALIDATOR_MAP, validators(WSConstants.USERNAME_TOKEN, new UserDirectoryValidator(users)));
        return props;
    }
}
