package org.wsemail.endpoint.internal;

import java.security.GeneralSecurityException;
import java.util.List;

import org.apache.cxf.message.Message;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.dom.handler.RequestData;
import org.apache.wss4j.dom.validate.Credential;
import org.apache.wss4j.dom.validate.Validator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.Address;
import org.wsemail.api.server.CertificateAuthority;
import org.wsemail.api.server.UserDirectory;

/**
 * Decides whether the certificate a request is signed with logs a user in: the domain's own
 * authority issued it, it is valid and not revoked, it names one address of this domain, and that
 * user exists. WSS4J has already checked the signature itself with the certificate's key. The user
 * is left on the CXF message for {@link RequestContext}. Every refusal is the same fault to the caller.
 */
final class UserCertificateValidator implements Validator {
    private static final Logger LOG = LoggerFactory.getLogger(UserCertificateValidator.class);

    private final CertificateAuthority authority;
    private final UserDirectory users;

    UserCertificateValidator(CertificateAuthority authority, UserDirectory users) {
        this.authority = authority;
        this.users = users;
    }

    @Override
    public Credential validate(Credential credential, RequestData data) throws WSSecurityException {
        if (credential == null || credential.getCertificates() == null || credential.getCertificates().length == 0) {
            LOG.info("Refused a request signed without a certificate");
            throw new WSSecurityException(WSSecurityException.ErrorCode.FAILED_AUTHENTICATION);
        }
        Address user;
        try {
            user = authority.authenticate(List.of(credential.getCertificates()));
        } catch (GeneralSecurityException | IllegalStateException e) {
            LOG.info("Refused a request signed by {}: {}",
                    LogSafe.text(credential.getCertificates()[0].getSubjectX500Principal().getName()), LogSafe.text(e.getMessage()));
            throw new WSSecurityException(WSSecurityException.ErrorCode.FAILED_AUTHENTICATION);
        }
        boolean exists;
        try {
            exists = users.exists(user);
        } catch (RuntimeException storage) {
            LOG.error("Cannot look up {}, who signed a request with a certificate: {}", user, storage.getMessage());
            throw StorageTrouble.checkFailed("check the certificate's user", storage);
        }
        if (!exists) {
            LOG.info("Refused a request signed with the certificate of {}, who is no longer a user", user);
            throw new WSSecurityException(WSSecurityException.ErrorCode.FAILED_AUTHENTICATION);
        }
        if (data.getMsgContext() instanceof Message message) {
            message.put(RequestContext.AUTHENTICATED_USER, user);
            message.put(RequestContext.AUTHENTICATED_CERTIFICATE, credential.getCertificates()[0]);
        }
        return credential;
    }
}
