//! Certificate policy processing: the valid_policy_tree of RFC 5280 §6.1.2 (a), §6.1.3 (d)-(f),
//! §6.1.4 (a), (b), (h)-(j) and §6.1.5 (a), (b), (g). Policy qualifiers are ignored, as
//! §4.2.1.4 allows ("this specification RECOMMENDS that certificate policy qualifiers be
//! ignored"); so is the criticality of certificatePolicies (kyso processes it).
//!
//! The tree can grow exponentially with hostile mappings (CVE-2023-0464); nodes are counted and
//! the path is rejected past [`MAX_NODES`].

use std::collections::BTreeSet;

/// anyPolicy (RFC 5280 §4.2.1.4).
pub(crate) const ANY_POLICY: &str = "2.5.29.32.0";

/// Nodes allowed in one tree. Legitimate trees have a few nodes per level (one or two policies
/// per CA, at most 9 levels); OpenSSL 3.1 bounds its tree at 1000 nodes after CVE-2023-0464,
/// and we use the same figure.
pub(crate) const MAX_NODES: usize = 1_000;

/// The caller's inputs (RFC 5280 §6.1.1 c, e, f, g).
#[derive(Debug, Clone)]
pub(crate) struct PolicyInputs<'a> {
    pub initial: &'a [String],
    pub require_explicit: bool,
    pub inhibit_mapping: bool,
    pub inhibit_any: bool,
}

/// Why policy processing rejected the path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PolicyFailure {
    /// explicit_policy reached 0 with an empty tree: §6.1.3 (f) at `index` (0 = anchor side's
    /// first certificate), or §6.1.5 (g) at the end when `index` is the leaf.
    NoAcceptablePolicy { index: usize },
    /// A policyMappings entry maps to or from anyPolicy (§6.1.4 a).
    AnyPolicyMapped { index: usize },
    /// The tree grew past [`MAX_NODES`].
    TreeTooLarge { index: usize },
}

#[derive(Debug, Clone)]
struct Node {
    policy: String,
    expected: BTreeSet<String>,
    parent: Option<usize>,
    depth: usize,
    live: bool,
}

/// A certificate's policy-related extensions, as the tree processing needs them.
pub(crate) struct CertPolicies<'a> {
    pub policies: Option<&'a [String]>,
    pub mappings: Option<&'a [(String, String)]>,
    pub constraints: Option<(Option<u32>, Option<u32>)>,
    pub inhibit_any: Option<u32>,
    pub self_issued: bool,
}

struct Tree {
    nodes: Vec<Node>,
    null: bool,
}

impl Tree {
    fn live_at(&self, depth: usize) -> impl Iterator<Item = usize> + '_ {
        self.nodes
            .iter()
            .enumerate()
            .filter(move |(_, n)| n.live && n.depth == depth)
            .map(|(i, _)| i)
    }
    fn children(&self, parent: usize) -> impl Iterator<Item = usize> + '_ {
        self.nodes
            .iter()
            .enumerate()
            .filter(move |(_, n)| n.live && n.parent == Some(parent))
            .map(|(i, _)| i)
    }
    fn add(&mut self, policy: String, expected: BTreeSet<String>, parent: usize) -> bool {
        if self.nodes.len() >= MAX_NODES {
            return false;
        }
        let depth = self.nodes[parent].depth + 1;
        self.nodes.push(Node {
            policy,
            expected,
            parent: Some(parent),
            depth,
            live: true,
        });
        true
    }
    /// Delete nodes of depth < `depth` that have no children, repeatedly (§6.1.3 d.3).
    fn prune(&mut self, depth: usize) {
        for d in (0..depth).rev() {
            let dead: Vec<usize> = self
                .live_at(d)
                .filter(|&i| self.children(i).next().is_none())
                .collect();
            for i in dead {
                self.nodes[i].live = false;
            }
        }
        if self.live_at(0).next().is_none() {
            self.null = true;
        }
    }
    fn kill_subtree(&mut self, i: usize) {
        self.nodes[i].live = false;
        let kids: Vec<usize> = self.children(i).collect();
        for k in kids {
            self.kill_subtree(k);
        }
    }
}

/// The result of policy processing on a valid path.
#[derive(Debug, Clone)]
pub(crate) struct PolicyOutcome {
    /// The user-constrained policy set (RFC 5280 §6.1.5 g, in the trust anchor's domain):
    /// empty when the tree is NULL.
    pub user_constrained: Vec<String>,
}

/// Run policy processing over `certs`, ordered from the one the trust anchor issued (§6.1's
/// certificate 1) to the target (certificate n).
pub(crate) fn process(
    certs: &[CertPolicies<'_>],
    inputs: &PolicyInputs<'_>,
) -> Result<PolicyOutcome, PolicyFailure> {
    let n = certs.len();
    // §6.1.2 (a), (d)-(f).
    let mut tree = Tree {
        nodes: vec![Node {
            policy: ANY_POLICY.into(),
            expected: BTreeSet::from([ANY_POLICY.to_string()]),
            parent: None,
            depth: 0,
            live: true,
        }],
        null: false,
    };
    let start = |flag: bool| if flag { 0 } else { n as u64 + 1 };
    let mut explicit_policy = start(inputs.require_explicit);
    let mut inhibit_any = start(inputs.inhibit_any);
    let mut policy_mapping = start(inputs.inhibit_mapping);

    for (idx, c) in certs.iter().enumerate() {
        let i = idx + 1;
        let last = i == n;
        // §6.1.3 (d).
        match (c.policies, tree.null) {
            (Some(pols), false) => {
                let parents: Vec<usize> = tree.live_at(i - 1).collect();
                for p in pols.iter().filter(|p| p.as_str() != ANY_POLICY) {
                    // (d)(1)(i): parents expecting P.
                    let matching: Vec<usize> = parents
                        .iter()
                        .copied()
                        .filter(|&q| tree.nodes[q].expected.contains(p))
                        .collect();
                    if !matching.is_empty() {
                        for q in matching {
                            if !tree.add(p.clone(), BTreeSet::from([p.clone()]), q) {
                                return Err(PolicyFailure::TreeTooLarge { index: idx });
                            }
                        }
                    } else if let Some(&q) = parents
                        .iter()
                        .find(|&&q| tree.nodes[q].policy == ANY_POLICY)
                    {
                        // (d)(1)(ii): no match, hang it under the anyPolicy node.
                        if !tree.add(p.clone(), BTreeSet::from([p.clone()]), q) {
                            return Err(PolicyFailure::TreeTooLarge { index: idx });
                        }
                    }
                }
                // (d)(2): anyPolicy in the certificate.
                let has_any = pols.iter().any(|p| p == ANY_POLICY);
                if has_any && (inhibit_any > 0 || (!last && c.self_issued)) {
                    for q in parents {
                        let existing: BTreeSet<String> = tree
                            .children(q)
                            .map(|k| tree.nodes[k].policy.clone())
                            .collect();
                        let expected: Vec<String> =
                            tree.nodes[q].expected.iter().cloned().collect();
                        for e in expected {
                            if !existing.contains(&e)
                                && !tree.add(e.clone(), BTreeSet::from([e.clone()]), q)
                            {
                                return Err(PolicyFailure::TreeTooLarge { index: idx });
                            }
                        }
                    }
                }
                // (d)(3).
                tree.prune(i);
            }
            // (e): no certificatePolicies extension: the tree becomes NULL.
            (None, _) => tree.null = true,
            (Some(_), true) => {}
        }
        // (f).
        if explicit_policy == 0 && tree.null {
            return Err(PolicyFailure::NoAcceptablePolicy { index: idx });
        }
        if last {
            // §6.1.5 (a), (b).
            explicit_policy = explicit_policy.saturating_sub(1);
            if matches!(c.constraints, Some((Some(0), _))) {
                explicit_policy = 0;
            }
            break;
        }
        // §6.1.4 (a), (b): policy mappings.
        if let Some(maps) = c.mappings {
            if maps.iter().any(|(a, b)| a == ANY_POLICY || b == ANY_POLICY) {
                return Err(PolicyFailure::AnyPolicyMapped { index: idx });
            }
            if !tree.null {
                let issuer_pols: BTreeSet<&String> = maps.iter().map(|(a, _)| a).collect();
                for idp in issuer_pols {
                    let mapped: BTreeSet<String> = maps
                        .iter()
                        .filter(|(a, _)| a == idp)
                        .map(|(_, b)| b.clone())
                        .collect();
                    let at_i: Vec<usize> = tree.live_at(i).collect();
                    let with_p: Vec<usize> = at_i
                        .iter()
                        .copied()
                        .filter(|&k| &tree.nodes[k].policy == idp)
                        .collect();
                    if policy_mapping > 0 {
                        // (b)(1)
                        if !with_p.is_empty() {
                            for k in with_p {
                                tree.nodes[k].expected = mapped.clone();
                            }
                        } else if let Some(&any) =
                            at_i.iter().find(|&&k| tree.nodes[k].policy == ANY_POLICY)
                        {
                            if let Some(parent) = tree.nodes[any].parent {
                                if !tree.add(idp.clone(), mapped.clone(), parent) {
                                    return Err(PolicyFailure::TreeTooLarge { index: idx });
                                }
                            }
                        }
                    } else {
                        // (b)(2): delete and prune.
                        for k in with_p {
                            tree.kill_subtree(k);
                        }
                        tree.prune(i);
                    }
                }
            }
        }
        // §6.1.4 (h): counters, for certificates that are not self-issued.
        if !c.self_issued {
            explicit_policy = explicit_policy.saturating_sub(1);
            policy_mapping = policy_mapping.saturating_sub(1);
            inhibit_any = inhibit_any.saturating_sub(1);
        }
        // (i) policyConstraints.
        if let Some((req, inh)) = c.constraints {
            if let Some(r) = req {
                explicit_policy = explicit_policy.min(u64::from(r));
            }
            if let Some(m) = inh {
                policy_mapping = policy_mapping.min(u64::from(m));
            }
        }
        // (j) inhibitAnyPolicy.
        if let Some(s) = c.inhibit_any {
            inhibit_any = inhibit_any.min(u64::from(s));
        }
    }

    // §6.1.5 (g): intersection with the user-initial-policy-set.
    let user_any = inputs.initial.is_empty() || inputs.initial.iter().any(|p| p == ANY_POLICY);
    if !tree.null && !user_any {
        // (g)(iii)(1): nodes whose parent is anyPolicy.
        let node_set: Vec<usize> = (0..tree.nodes.len())
            .filter(|&k| {
                tree.nodes[k].live
                    && tree.nodes[k]
                        .parent
                        .is_some_and(|p| tree.nodes[p].policy == ANY_POLICY)
            })
            .collect();
        // (2): delete those whose policy is neither anyPolicy nor in the initial set.
        for &k in &node_set {
            let pol = &tree.nodes[k].policy;
            if pol != ANY_POLICY && !inputs.initial.contains(pol) {
                tree.kill_subtree(k);
            }
        }
        // (3): a leaf anyPolicy node stands for each initial policy not otherwise present.
        let present: BTreeSet<String> = node_set
            .iter()
            .filter(|&&k| tree.nodes[k].live)
            .map(|&k| tree.nodes[k].policy.clone())
            .collect();
        let any_leaf: Option<usize> = tree
            .live_at(n)
            .find(|&k| tree.nodes[k].policy == ANY_POLICY);
        if let Some(leaf) = any_leaf {
            if let Some(parent) = tree.nodes[leaf].parent {
                for p in inputs.initial {
                    if !present.contains(p)
                        && !tree.add(p.clone(), BTreeSet::from([p.clone()]), parent)
                    {
                        return Err(PolicyFailure::TreeTooLarge {
                            index: n.saturating_sub(1),
                        });
                    }
                }
            }
            tree.nodes[leaf].live = false;
        }
        // (4).
        tree.prune(n);
    }
    if explicit_policy == 0 && tree.null {
        return Err(PolicyFailure::NoAcceptablePolicy {
            index: n.saturating_sub(1),
        });
    }
    // The user-constrained policy set: for each leaf of the tree, the policy of the
    // highest node on its branch that is not anyPolicy (that node's name is in the trust
    // anchor's domain; lower nodes may carry mapped names), or anyPolicy for an all-any branch.
    let mut set = BTreeSet::new();
    if !tree.null {
        for leaf in tree.live_at(n) {
            let mut top = leaf;
            let mut k = leaf;
            while let Some(p) = tree.nodes[k].parent {
                if tree.nodes[k].policy != ANY_POLICY {
                    top = k;
                }
                k = p;
            }
            set.insert(tree.nodes[top].policy.clone());
        }
    }
    Ok(PolicyOutcome {
        user_constrained: set.into_iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c<'a>(pols: Option<&'a [String]>, maps: Option<&'a [(String, String)]>) -> CertPolicies<'a> {
        CertPolicies {
            policies: pols,
            mappings: maps,
            constraints: None,
            inhibit_any: None,
            self_issued: false,
        }
    }

    fn inputs(initial: &[String], explicit: bool) -> PolicyInputs<'_> {
        PolicyInputs {
            initial,
            require_explicit: explicit,
            inhibit_mapping: false,
            inhibit_any: false,
        }
    }

    #[test]
    fn policies_intersect_map_and_fail_when_explicit() {
        let p1 = vec!["1.1".to_string()];
        let p2 = vec!["1.2".to_string()];
        let any = vec![ANY_POLICY.to_string()];
        // Both certificates assert 1.1: the set is {1.1}.
        let certs = [c(Some(&p1), None), c(Some(&p1), None)];
        let out = process(&certs, &inputs(&[], false)).unwrap();
        assert_eq!(out.user_constrained, p1);
        // The user wants 1.2 explicitly: rejected.
        assert_eq!(
            process(&certs, &inputs(&p2, true)).unwrap_err(),
            PolicyFailure::NoAcceptablePolicy { index: 1 }
        );
        // Without the explicit requirement the path is valid with an empty set.
        assert!(process(&certs, &inputs(&p2, false))
            .unwrap()
            .user_constrained
            .is_empty());
        // A CA maps 1.1 to 1.2; the target asserts 1.2: valid for 1.1 (the anchor's domain).
        let maps = vec![("1.1".to_string(), "1.2".to_string())];
        let certs = [c(Some(&p1), Some(&maps)), c(Some(&p2), None)];
        let out = process(&certs, &inputs(&p1, true)).unwrap();
        assert_eq!(out.user_constrained, p1);
        // Mapping anyPolicy is forbidden (§6.1.4 a).
        let bad = vec![(ANY_POLICY.to_string(), "1.2".to_string())];
        let certs = [c(Some(&any), Some(&bad)), c(Some(&p2), None)];
        assert_eq!(
            process(&certs, &inputs(&[], false)).unwrap_err(),
            PolicyFailure::AnyPolicyMapped { index: 0 }
        );
    }
}
