//! Examples and extra sections of every command's `--help`, kept in one table so that
//! `kyso man` renders the same text as EXAMPLES (and EXIT STATUS, ENVIRONMENT, ...) sections,
//! and a test can parse every example against the real command line.

use std::fmt::Write as _;

use clap::builder::StyledStr;

/// One example: what it does, then the command line (at most one line of 96 characters, so
/// that clap's wrapping at 100 columns never breaks it).
pub struct Example {
    pub what: &'static str,
    pub run: &'static str,
}

/// The help of one command, found by its man page name (`kyso`, `kyso-sign`, `kyso-token-list`).
pub struct Help {
    pub page: &'static str,
    pub examples: &'static [Example],
    /// Further sections: (title in the help, title of the man section, text).
    pub sections: &'static [(&'static str, &'static str, &'static str)],
}

const fn ex(what: &'static str, run: &'static str) -> Example {
    Example { what, run }
}

const REPORT: &[Example] = &[
    ex(
        "Four CI jobs verify a quarter each, at one time; a fifth joins them",
        "kyso verify --trust roots.pem --at 2026-06-01 --shard 2/4 --json archive/ > part-2.json",
    ),
    ex(
        "Join the parts: one report, the summary counted again, JUnit for the CI",
        "kyso report merge --format junit -o merged-junit.xml part-*.json",
    ),
];

const TRUST: &[Example] = &[
    ex(
        "Verify against the Vietnamese roots shipped with kyso (both PKIs)",
        "kyso verify --trust vn qd.pdf",
    ),
    ex(
        "What is installed and in force, with each anchor's SHA-256",
        "kyso trust list",
    ),
    ex(
        "Install a newer list signed by its publisher (from a USB stick)",
        "kyso trust update vn-gov-2027.toml.p7m",
    ),
    ex(
        "The shipped list as a list file, to edit and install on another machine",
        "kyso trust export vn-gov -o vn-gov.toml",
    ),
];

const TOKEN_LIST: &[Example] = &[
    ex(
        "Slots, tokens (label, serial, PIN state), certificates and keys a module sees",
        "kyso token list --module /usr/lib/softhsm/libsofthsm2.so",
    ),
    ex(
        "The module from the environment, as JSON",
        "KYSO_PKCS11_MODULE=/usr/lib/libeToken.so kyso token list --format json",
    ),
    ex(
        "Days left of the certificates on the token, counted from a given date",
        "kyso token list --at 2027-01-01T00:00:00+07:00",
    ),
];

/// Every command's help, in the order of `kyso --help`.
pub const ALL: &[Help] = &[
    Help {
        page: "kyso",
        examples: &[
            ex(
                "Sign a PDF with a PKCS#12 file (the signature goes inside, the PDF is updated in place)",
                "kyso sign --p12 official.p12 --pass env:P12_PASS decision.pdf",
            ),
            ex(
                "Verify it against the root certificates you trust",
                "kyso verify --trust roots.pem decision.pdf",
            ),
            ex(
                "See what a certificate or a signature holds",
                "kyso inspect official.pem cong-van.docx.p7s",
            ),
            ex(
                "Each command has its own examples",
                "kyso sign --help",
            ),
            ex(
                "Shell completion and man pages",
                "kyso completions bash > ~/.local/share/bash-completion/completions/kyso",
            ),
            ex("", "kyso man ~/.local/share/man/man1"),
        ],
        sections: &[
            (
                "Vietnamese output",
                "LANGUAGE",
                "Add --lang vi to sign, verify, inspect, chain or token list, or run kyso under a \
                 Vietnamese locale: LANG=vi_VN.UTF-8 (LC_ALL or LC_MESSAGES, when set, take \
                 precedence; LANGUAGE=vi too, unless the locale is C). Every message, prompt and \
                 error is then in Vietnamese. Help and man pages are in English; JSON keys and \
                 codes always are.\n\
                 Tiếng Việt: thêm --lang vi, hoặc đặt LANG=vi_VN.UTF-8.",
            ),
            (
                "Environment",
                "ENVIRONMENT",
                "KYSO_TRUST                 trust anchors for verify and chain without --trust\n\
                 KYSO_PKCS11_MODULE         PKCS#11 module for sign --pkcs11 and token list\n\
                 LC_ALL, LC_MESSAGES, LANG  language of the text output (vi...: Vietnamese)",
            ),
            (
                "Exit status",
                "EXIT STATUS",
                "0  every signature is TOTAL-PASSED, or the command succeeded\n\
                 1  a signature is TOTAL-FAILED, or signing was refused or failed\n\
                 2  usage error, or an input could not be read at all\n\
                 3  none failed, at least one is INDETERMINATE",
            ),
        ],
    },
    Help {
        page: "kyso-sign",
        examples: &[
            ex(
                "Sign a PDF inside (PAdES) with a key file; the CA chain is embedded",
                "kyso sign --key official.key --cert official.pem --chain ca-chain.pem decision.pdf",
            ),
            ex(
                "The organisation signs a PDF the official signed, its seal in a visible block on page 1",
                "kyso sign --p12 org.p12 --pass env:ORG_PASS --visible 1:330,40,230,80 --image seal.png qd.pdf",
            ),
            ex(
                "Detached signature cong-van.docx.p7s (any file that is not a PDF)",
                "kyso sign --key official.key --cert official.pem --chain ca-chain.pem cong-van.docx",
            ),
            ex(
                "Attached signature cv.docx.p7m from a PKCS#12 file, password from $P12_PASS",
                "kyso sign --p12 official.p12 --pass env:P12_PASS --attached cv.docx",
            ),
            ex(
                "Co-sign: the organisation adds its signature to the official's (kept byte for byte)",
                "kyso sign --p12 org.p12 --pass env:ORG_PASS --add-to cong-van.docx.p7s cong-van.docx",
            ),
            ex(
                "RSA-PSS with SHA-384, to a file of your choice",
                "kyso sign --key official.key --cert official.pem --pss --digest sha384 -o pss.p7s cong-van.docx",
            ),
            ex(
                "A batch; after an interruption, run it again with --resume",
                "kyso sign --p12 official.p12 --pass env:P12_PASS --resume dossier/*.pdf",
            ),
            ex(
                "Every document of a folder and its subfolders (not signatures, hidden or temp files)",
                "kyso sign --p12 official.p12 --pass env:P12_PASS -r --resume dossier/",
            ),
            ex(
                "The same, with each file's result in one JSON document (schema kyso.sign/v1)",
                "kyso sign --p12 official.p12 --pass env:P12_PASS -r --resume --format json dossier > signed.json",
            ),
            ex(
                "Co-sign many envelopes with one password or PIN entry (a .p7m needs no FILE)",
                "kyso sign --p12 org.p12 --pass env:ORG_PASS --add-to dossier/a.txt.p7s --add-to cv.docx.p7m",
            ),
            ex(
                "Files in one ASiC-E container: their digests in a manifest, one signature over it",
                "kyso sign --p12 official.p12 --pass env:P12_PASS --asic-e ho-so.asice cong-van.docx cv.docx",
            ),
            ex(
                "The organisation signs the container too (the official's entries copied as they are)",
                "kyso sign --p12 org.p12 --pass env:ORG_PASS --add-to ho-so.asice",
            ),
            ex(
                "A PDF from standard input, signed inside, to standard output",
                "kyso sign --p12 official.p12 --pass env:P12_PASS - < letter.pdf > signed.pdf",
            ),
            ex(
                "A detached signature of standard input, to standard output",
                "kyso sign --p12 official.p12 --pass env:P12_PASS --detached - < decision.pdf > signature.p7s",
            ),
            ex(
                "A certification signature: later form filling and signatures keep it valid",
                "kyso sign --p12 org.p12 --pass env:ORG_PASS --certify form-filling form.pdf",
            ),
            ex(
                "USB token (PKCS#11), module from $KYSO_PKCS11_MODULE, PIN from $TOKEN_PIN",
                "kyso sign --pkcs11 'pkcs11:token=Nguyen%20Van%20An;id=%01' --pin env:TOKEN_PIN qd.pdf",
            ),
            ex(
                "The module named here; kyso shows the PIN state, then asks for the PIN",
                "kyso sign --module /usr/lib/libeToken.so --pkcs11 'pkcs11:token=So%20Noi%20vu' qd.pdf",
            ),
        ],
        sections: &[],
    },
    Help {
        page: "kyso-verify",
        examples: &[
            ex(
                "A signed PDF: every signature inside, in signing order",
                "kyso verify --trust roots.pem qd.pdf",
            ),
            ex(
                "A detached signature; its content is cong-van.docx beside it",
                "kyso verify --trust roots.pem cong-van.docx.p7s",
            ),
            ex(
                "An attached signature, trust anchors from the environment, report in Vietnamese",
                "KYSO_TRUST=roots.pem kyso verify --lang vi cv.docx.p7m",
            ),
            ex(
                "Every signed file (.p7s, .p7m, .sig, .pdf) under a directory, as of a time, as JSON",
                "kyso verify --trust roots.pem --at 2026-06-01T12:00:00+07:00 --format json archive/",
            ),
            ex(
                "A dossier: who signed each document, in which role and order, what is missing",
                "kyso verify --trust roots.pem --lang vi --dossier ho-so/",
            ),
            ex(
                "An ASiC-E or ASiC-S container: each signature and the files it covers",
                "kyso verify --trust roots.pem ho-so.asice",
            ),
            ex(
                "JUnit XML for CI: one test case per signature file",
                "kyso verify --trust roots.pem --format junit archive/ > kyso-junit.xml",
            ),
            ex(
                "The signature on standard input, its content named",
                "kyso verify --trust roots.pem --content decision.pdf - < signature.p7s",
            ),
            ex(
                "Revocation from CRL files; every certificate must have a known status",
                "kyso verify --trust roots.pem --crl crls/ --revocation required cong-van.docx.p7s",
            ),
        ],
        sections: &[],
    },
    Help {
        page: "kyso-extend",
        examples: &[
            ex(
                "Add a signature-time-stamp to every signature under a folder (in place)",
                "kyso extend --level B-T --tsa http://tsa.example.vn --tsa-trust tsa-root.pem archive/",
            ),
            ex(
                "Long-term: time-stamp and embed the certificates, CRLs and OCSP responses",
                "kyso extend --level B-LT --trust roots.pem --tsa http://tsa.example.vn cong-van.docx.p7s",
            ),
            ex(
                "What would change, as JSON (the files are extended all the same)",
                "kyso extend --level B-LT --trust roots.pem --tsa http://tsa.example.vn --format json archive/",
            ),
        ],
        sections: &[],
    },
    Help {
        page: "kyso-extract",
        examples: &[
            ex(
                "Check the envelope, then take the document out into received/",
                "kyso verify --trust roots.pem cv.docx.p7m && kyso extract -o received/ cv.docx.p7m",
            ),
            ex(
                "Every envelope of a folder into another folder",
                "kyso extract -o extracted/ archive/*.p7m",
            ),
            ex(
                "The documents of an ASiC container (its META-INF left out)",
                "kyso extract -o ho-so-files/ ho-so.asice",
            ),
        ],
        sections: &[],
    },
    Help {
        page: "kyso-report",
        examples: REPORT,
        sections: &[],
    },
    Help {
        page: "kyso-report-merge",
        examples: REPORT,
        sections: &[],
    },
    Help {
        page: "kyso-trust",
        examples: TRUST,
        sections: &[],
    },
    Help {
        page: "kyso-trust-list",
        examples: TRUST,
        sections: &[],
    },
    Help {
        page: "kyso-trust-update",
        examples: TRUST,
        sections: &[],
    },
    Help {
        page: "kyso-trust-export",
        examples: TRUST,
        sections: &[],
    },
    Help {
        page: "kyso-inspect",
        examples: &[
            ex(
                "A certificate: names, validity, usages, CRL and OCSP URLs, policies, key ids",
                "kyso inspect official.pem",
            ),
            ex(
                "A signature: signers, signed attributes, embedded certificates, as JSON",
                "kyso inspect --format json cong-van.docx.p7s",
            ),
            ex(
                "The certificates inside a PKCS#12 file, password from $P12_PASS",
                "kyso inspect --pass env:P12_PASS official.p12",
            ),
            ex("In Vietnamese", "kyso inspect --lang vi ca-chain.pem"),
        ],
        sections: &[],
    },
    Help {
        page: "kyso-chain",
        examples: &[
            ex(
                "The path from a certificate to the trusted roots, as a tree",
                "kyso chain --trust roots.pem --intermediates ca-chain.pem official.pem",
            ),
            ex(
                "As of a given time, as JSON; the file holds the certificate, then its CA chain",
                "kyso chain --trust roots.pem --at 2026-06-01T00:00:00Z --format json official-chain.pem",
            ),
            ex(
                "The certificate must allow e-mail protection (extendedKeyUsage)",
                "kyso chain --trust roots.pem --intermediates ca-chain.pem --eku emailProtection official.pem",
            ),
            ex(
                "The VGCA policy's valid set (RFC 5280 §6.1), offline: revocation not checked",
                "kyso chain --trust vgca-g2.der --policy 2.16.704.1.1.1.1.1 --revocation off chain.pem",
            ),
            ex(
                "Revocation from CRL files; every certificate must have a known status",
                "kyso chain --trust roots.pem --crl crls/ --revocation required official-chain.pem",
            ),
        ],
        sections: &[],
    },
    Help {
        page: "kyso-token",
        examples: TOKEN_LIST,
        sections: &[],
    },
    Help {
        page: "kyso-token-list",
        examples: TOKEN_LIST,
        sections: &[],
    },
    Help {
        page: "kyso-completions",
        examples: &[
            ex(
                "bash (bash-completion loads it on first use)",
                "kyso completions bash > ~/.local/share/bash-completion/completions/kyso",
            ),
            ex(
                "zsh: a directory on $fpath (add fpath=(~/.zfunc $fpath) before compinit)",
                "kyso completions zsh > ~/.zfunc/_kyso",
            ),
            ex(
                "fish",
                "kyso completions fish > ~/.config/fish/completions/kyso.fish",
            ),
            ex(
                "PowerShell: append to your profile",
                "kyso completions powershell >> $PROFILE",
            ),
            ex(
                "elvish: add this line to ~/.config/elvish/rc.elv",
                "eval (kyso completions elvish | slurp)",
            ),
        ],
        sections: &[],
    },
    Help {
        page: "kyso-man",
        examples: &[
            ex(
                "For you (man-db finds ~/.local/share/man when ~/.local/bin is on PATH)",
                "kyso man ~/.local/share/man/man1",
            ),
            ex(
                "For everyone, replacing the pages of an earlier version",
                "sudo kyso man --force /usr/local/share/man/man1",
            ),
        ],
        sections: &[],
    },
    Help {
        page: "kyso-serve",
        examples: &[
            ex(
                "Verify over HTTP on 127.0.0.1:8765 against the roots you trust",
                "kyso serve --trust roots.pem",
            ),
            ex(
                "Ask it from any language (a detached signature and its document)",
                "curl -F signature=@cv.docx.p7s -F content=@cv.docx http://127.0.0.1:8765/verify",
            ),
            ex(
                "Also sign, with a key loaded once and a token required of clients",
                "kyso serve --trust roots.pem --p12 org.p12 --pass env:P --api-token env:KYSO_TOKEN",
            ),
            ex(
                "Sign a PDF inside (PAdES); other documents get a .p7s, or .p7m with ?envelope=attached",
                "curl -H \"Authorization: Bearer $KYSO_TOKEN\" -F content=@qd.pdf -o s.pdf 127.0.0.1:8765/sign",
            ),
        ],
        sections: &[(
            "Endpoints",
            "ENDPOINTS",
            "POST /verify   multipart: signature (+ content); ?at=RFC3339. The kyso.verify/v2 report.\n\
             POST /sign     multipart: content; ?envelope=attached, ?envelope=detached (a PDF as .p7s).\n\
             GET /health    {\"status\": \"ok\", \"version\": ..., \"signing\": true|false}\n\
             GET /openapi.json  the OpenAPI 3.1 description.\n\
             Errors are JSON {\"error\": {\"code\", \"message\"}}: 413 over --max-body, 504 over\n\
             --timeout, 503 with Retry-After over --concurrency, 401 without the token.\n\
             SIGINT or SIGTERM stops it once the requests in progress are answered.",
        )],
    },
];

/// The help of the command whose man page is `page`.
pub fn of(page: &str) -> Option<&'static Help> {
    ALL.iter().find(|h| h.page == page)
}

/// The `after_help` text of a command: its examples and further sections, with headings
/// styled like clap's own ("Usage:", "Options:").
pub fn after_help(page: &str) -> StyledStr {
    let Some(h) = of(page) else {
        return StyledStr::new();
    };
    let head = clap::builder::Styles::default().get_header().to_owned();
    let mut s = String::new();
    let _ = writeln!(s, "{head}Examples:{head:#}");
    for e in h.examples {
        if !e.what.is_empty() {
            let _ = writeln!(s, "  # {}", e.what);
        }
        let _ = writeln!(s, "  {}", e.run);
    }
    for (title, _, text) in h.sections {
        let _ = writeln!(s, "\n{head}{title}:{head:#}");
        for line in text.lines() {
            let _ = writeln!(s, "  {line}");
        }
    }
    // Every command that prints text says how to get it in Vietnamese (`kyso --help` has
    // its own section).
    if !matches!(
        page,
        "kyso" | "kyso-completions" | "kyso-man" | "kyso-token"
    ) {
        let _ = writeln!(s, "\n{head}Vietnamese output:{head:#}");
        let _ = writeln!(
            s,
            "  --lang vi, or LANG=vi_VN.UTF-8 (see kyso --help). Tiếng Việt: thêm --lang vi."
        );
    }
    StyledStr::from(s.trim_end().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, Parser};

    /// The words of a one-line shell command up to its first redirection or pipe, without
    /// leading `VAR=value` assignments and `sudo`; `None` when it does not run kyso.
    fn kyso_words(line: &str) -> Option<Vec<String>> {
        let mut words = Vec::new();
        let (mut cur, mut quote, mut any) = (String::new(), None, false);
        for c in line.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), c) => cur.push(c),
                (None, '\'' | '"') => {
                    quote = Some(c);
                    any = true;
                }
                (None, ' ') => {
                    if any || !cur.is_empty() {
                        words.push(std::mem::take(&mut cur));
                    }
                    any = false;
                }
                // A redirection, pipe or the next command of a list ends this one.
                (None, '<' | '>' | '|' | '&' | ';') => break,
                (None, c) => cur.push(c),
            }
        }
        if any || !cur.is_empty() {
            words.push(cur);
        }
        let assignment = |w: &str| w.contains('=') && !w.starts_with('-');
        let first = words.iter().position(|w| !assignment(w) && w != "sudo")?;
        (words[first] == "kyso").then(|| words.split_off(first))
    }

    #[test]
    fn the_word_splitter_reads_quotes_assignments_and_redirections() {
        assert_eq!(
            kyso_words("KYSO_TRUST=r.pem kyso verify --pkcs11 'a b;c' x > out"),
            Some(
                vec!["kyso", "verify", "--pkcs11", "a b;c", "x"]
                    .into_iter()
                    .map(String::from)
                    .collect()
            )
        );
        assert_eq!(kyso_words("eval (kyso completions elvish | slurp)"), None);
        assert_eq!(kyso_words("sudo kyso man d").map(|w| w.len()), Some(3));
    }

    #[test]
    fn every_example_is_accepted_by_the_command_line() {
        let mut parsed = 0;
        for h in ALL {
            for e in h.examples {
                assert!(
                    e.run.len() <= 96 && e.what.len() <= 94,
                    "{}: wider than the 100 columns clap wraps at: {}",
                    h.page,
                    e.run
                );
                let Some(words) = kyso_words(e.run) else {
                    continue;
                };
                if let Err(err) = crate::Cli::try_parse_from(&words) {
                    // `--help` is an example too: clap reports it as a "display help" error.
                    assert_eq!(
                        err.kind(),
                        clap::error::ErrorKind::DisplayHelp,
                        "{}: `{}` is not a valid command line:\n{err}",
                        h.page,
                        e.run
                    );
                }
                parsed += 1;
            }
        }
        assert!(parsed > 30, "only {parsed} examples were checked");
    }

    #[test]
    fn every_command_has_examples_of_itself_and_no_entry_is_stale() {
        fn pages(cmd: &clap::Command, out: &mut Vec<(String, String)>) {
            // (man page name, the command line that runs it)
            let page = cmd.get_display_name().unwrap_or(cmd.get_name()).to_string();
            let line = page.replace('-', " ");
            out.push((page, line));
            for s in cmd.get_subcommands() {
                pages(s, out);
            }
        }
        let mut cli = crate::Cli::command().disable_help_subcommand(true);
        cli.build();
        let mut all = Vec::new();
        pages(&cli, &mut all);
        for (page, line) in &all {
            let h = of(page).unwrap_or_else(|| panic!("no examples for {page}"));
            assert!(
                h.examples.iter().any(|e| e
                    .run
                    .split(" > ")
                    .next()
                    .is_some_and(|r| r.contains(line.as_str()))),
                "{page}: no example runs `{line}`"
            );
        }
        for h in ALL {
            assert!(
                all.iter().any(|(p, _)| p == h.page),
                "help entry {} names no command",
                h.page
            );
        }
    }
}
