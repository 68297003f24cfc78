/*
 * The on-demand attachment protocol (the paper's section 4.3), for the Spin model checker.
 *
 * Parties: alice's client and her server A (the sending domain), bob's client and his server B
 * (the recipient's domain), a third domain C, and a Dolev-Yao attacker who owns C's server key and
 * the key of C's user eve. The attacker sees every signed message and every token that crosses the
 * network, replays them, and forges new ones with any field it likes, signed with a key it owns.
 * Transport to A is TLS with a certificate bound to A (the attacker cannot answer for A), and what
 * A sends back goes to whoever made the request.
 *
 * Properties, as assertions:
 *   correspondence: if bob's client accepts a content as an attachment alice sent, alice sent it;
 *   secrecy: only recipients obtain the attachment (the attacker never learns it).
 *
 * Mutants, chosen with spin -D: NO_ISSUER_CHECK (A does not check that the token's issuer is the
 * subject's own domain), NO_RECIPIENT_CHECK (A does not check that the subject is a recipient),
 * NO_POSSESSION_CHECK (A does not check that the request is signed with the token's key). Spin must
 * find an attack in each (the build asserts it does).
 *
 * docs/ATTACHMENTS.md maps each numbered step to the code that performs it.
 */

mtype = { dA, dB, dC,                   /* domains */
          ALICE, BOB, EVE,              /* users; eve is C's, the attacker's */
          KA, KB, KC, KBOB, KEVE,       /* keys: servers' and users' */
          X, Y,                         /* contents: X alice's attachment, Y the attacker's */
          G, G2,                        /* attachment ids */
          NONE };

/* What the attacker has learnt. */
bool knowsX = false;
bool sawMessage = false;      /* alice's signed message (its description of the attachment) */
bool sawToken = false;        /* the token B issued for bob */

/* What alice sent: the content of attachment G, kept by A for its recipients. */
bool aliceSent = false;
mtype keptContent = NONE;
mtype keptRecipient = NONE;

/* What bob's client accepted as an attachment from alice. */
mtype accepted = NONE;

/* The domain a user belongs to. */
inline domainOf(user, d) {
    if
    :: user == ALICE -> d = dA
    :: user == BOB -> d = dB
    :: else -> d = dC
    fi
}

/* The server key a domain's trusted root is bound to (the trust bindings of A's trust store). */
inline keyOf(domain, k) {
    if
    :: domain == dA -> k = KA
    :: domain == dB -> k = KB
    :: else -> k = KC
    fi
}

/*
 * (5) A serves a fetch: a token (issuer, subject, audience, holder key, signing key), the key that
 * signed the request (proof of possession), and the attachment id. Answers the content to the
 * requester, or refuses (served = false).
 */
inline serve(issuer, subject, audience, holder, signer, pop, guid, served, content) {
    mtype want; mtype home;
    keyOf(issuer, want);
    domainOf(subject, home);
    served = ((signer == want)                /* (5a) the token's signature leads to a root bound to its issuer */
          && (audience == dA)                 /* (5b) it was issued for A */
#ifndef NO_POSSESSION_CHECK
          && (pop == holder)                  /* (5c) the request is signed with the key the token binds */
#endif
#ifndef NO_ISSUER_CHECK
          && (issuer == home)                 /* (5d) only the subject's own domain vouches for them */
#endif
#ifndef NO_RECIPIENT_CHECK
          && (subject == keptRecipient)       /* (5e) the subject is a recipient of the message */
#endif
          && (guid == G) && (keptContent != NONE));
    content = (served -> keptContent : NONE)
}

/* (1)-(2) Alice attaches X for bob; A keeps it, signs the message with its description, relays it. */
active proctype Alice() {
    atomic {
        aliceSent = true;
        keptContent = X;
        keptRecipient = BOB;
        sawMessage = true     /* the signed message crosses the network: the attacker may read it */
    }
}

/* (3)-(6) Bob's client: checks the message, gets a token from B, fetches from A, checks the hash. */
active proctype Bob() {
    bool served; mtype content;
    sawMessage;                               /* (3) the message arrived; A's signature verified, A is alice's domain */
    atomic { sawToken = true }                /* (4) B issues bob a token for A, bound to bob's key; the attacker may see it */
    serve(dB, BOB, dA, KBOB, KB, KBOB, G, served, content);
    if
    :: served && content == X -> accepted = content   /* (6) SHA-256 of the content = the one A signed */
    :: else -> skip
    fi;
    assert(accepted == NONE || aliceSent)     /* correspondence */
}

/*
 * The attacker: forged deliveries to bob and forged or replayed fetches at A, as long as it likes.
 */
active proctype Attacker() {
    mtype issuer, subject, holder, signer, pop, guid, content;
    bool served;
    do
    :: /* A message claiming to be alice's, signed with C's key, describing the attacker's content Y. */
       atomic {
           mtype want;
           keyOf(dA, want);
           /* (3) bob's client accepts only a message signed by a key bound to the sender's domain */
           if
           :: KC == want -> accepted = Y; assert(aliceSent && Y == keptContent)
           :: else -> skip
           fi
       }
    :: /* A fetch at A with a token the attacker forged or replayed, signed as it can. */
       atomic {
           if :: issuer = dA :: issuer = dB :: issuer = dC fi;
           if :: subject = ALICE :: subject = BOB :: subject = EVE fi;
           if :: guid = G :: guid = G2 fi;
           if
           :: holder = KEVE; if :: signer = KC :: signer = KEVE fi    /* a token it mints */
           :: sawToken -> issuer = dB; subject = BOB; holder = KBOB; signer = KB   /* bob's token, replayed */
           fi;
           pop = KEVE;                        /* it can sign requests with its own keys only */
           serve(issuer, subject, dA, holder, signer, pop, guid, served, content);
           if
           :: served && content == X -> knowsX = true
           :: else -> skip
           fi;
           assert(!knowsX)                    /* secrecy: only recipients obtain it */
       }
    :: break
    od
}
