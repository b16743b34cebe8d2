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

/// The policy variables of the §6.1.2 working state.
struct PolicyState {
    /// valid_policy_tree (§6.1.2 a); NULL is `valid_policy_tree.null`.
    valid_policy_tree: Tree,
    /// explicit_policy (§6.1.2 d): certificates left before a valid policy is required.
    explicit_policy: u64,
    /// inhibit_anyPolicy (§6.1.2 e): certificates left before anyPolicy stops matching.
    inhibit_any_policy: u64,
    /// policy_mapping (§6.1.2 f): certificates left before mappings are no longer applied.
    policy_mapping: u64,
}

/// Run policy processing over `certs`, ordered from the one the trust anchor issued (§6.1's
/// certificate 1) to the target (certificate n).
pub(crate) fn process(
    certs: &[CertPolicies<'_>],
    inputs: &PolicyInputs<'_>,
) -> Result<PolicyOutcome, PolicyFailure> {
    let n = certs.len();
    let mut state = PolicyState::initial(n, inputs);
    for (idx, c) in certs.iter().enumerate() {
        let i = idx + 1;
        let last = i == n;
        let too_large = PolicyFailure::TreeTooLarge { index: idx };
        match (c.policies, state.valid_policy_tree.null) {
            (Some(pols), false) => state
                .process_policies(pols, i, !last && c.self_issued)
                .ok_or(too_large)?,
            // §6.1.3 (e): no certificatePolicies extension: the tree becomes NULL.
            (None, _) => state.valid_policy_tree.null = true,
            (Some(_), true) => {}
        }
        state.require_explicit_policy(idx)?;
        if last {
            state.wrap_up_explicit_policy(c);
            break;
        }
        if let Some(maps) = c.mappings {
            state.map_policies(maps, i, idx)?;
        }
        state.prepare_counters(c);
    }
    let tree = &mut state.valid_policy_tree;
    if !tree.null && !user_any(inputs.initial) {
        tree.intersect_with(inputs.initial, n)
            .ok_or(PolicyFailure::TreeTooLarge {
                index: n.saturating_sub(1),
            })?;
    }
    // §6.1.5 (g), end: the path fails when a policy is required and none is left.
    if state.explicit_policy == 0 && state.valid_policy_tree.null {
        return Err(PolicyFailure::NoAcceptablePolicy {
            index: n.saturating_sub(1),
        });
    }
    Ok(PolicyOutcome {
        user_constrained: state.valid_policy_tree.user_constrained_set(n),
    })
}

/// The user-initial-policy-set is {anyPolicy} (empty means anyPolicy, §6.1.1 c).
fn user_any(initial: &[String]) -> bool {
    initial.is_empty() || initial.iter().any(|p| p == ANY_POLICY)
}

impl PolicyState {
    /// §6.1.2 (a), (d)-(f): a tree of one anyPolicy node; each counter is 0 when its §6.1.1
    /// input is set, else n + 1.
    fn initial(n: usize, inputs: &PolicyInputs<'_>) -> Self {
        let start = |flag: bool| if flag { 0 } else { n as u64 + 1 };
        PolicyState {
            valid_policy_tree: Tree {
                nodes: vec![Node {
                    policy: ANY_POLICY.into(),
                    expected: BTreeSet::from([ANY_POLICY.to_string()]),
                    parent: None,
                    depth: 0,
                    live: true,
                }],
                null: false,
            },
            explicit_policy: start(inputs.require_explicit),
            inhibit_any_policy: start(inputs.inhibit_any),
            policy_mapping: start(inputs.inhibit_mapping),
        }
    }

    /// §6.1.3 (d): grow the tree to depth `i` from certificate i's policies, then prune it.
    /// `self_issued_ca` is a self-issued certificate other than the target, for which
    /// anyPolicy matches even when inhibit_anyPolicy is 0 (§6.1.3 d.2). `None` when the tree
    /// grew past [`MAX_NODES`].
    fn process_policies(&mut self, pols: &[String], i: usize, self_issued_ca: bool) -> Option<()> {
        let tree = &mut self.valid_policy_tree;
        let parents: Vec<usize> = tree.live_at(i - 1).collect();
        for p in pols.iter().filter(|p| p.as_str() != ANY_POLICY) {
            tree.attach_policy(p, &parents)?;
        }
        // (d)(2): anyPolicy in the certificate.
        let has_any = pols.iter().any(|p| p == ANY_POLICY);
        if has_any && (self.inhibit_any_policy > 0 || self_issued_ca) {
            tree.attach_expected(parents)?;
        }
        // (d)(3).
        tree.prune(i);
        Some(())
    }

    /// §6.1.3 (f): a NULL tree while explicit_policy is 0 ends the path.
    fn require_explicit_policy(&self, index: usize) -> Result<(), PolicyFailure> {
        if self.explicit_policy == 0 && self.valid_policy_tree.null {
            return Err(PolicyFailure::NoAcceptablePolicy { index });
        }
        Ok(())
    }

    /// §6.1.5 (a), (b): the target's own count and requireExplicitPolicy of 0.
    fn wrap_up_explicit_policy(&mut self, c: &CertPolicies<'_>) {
        self.explicit_policy = self.explicit_policy.saturating_sub(1);
        if matches!(c.constraints, Some((Some(0), _))) {
            self.explicit_policy = 0;
        }
    }

    /// §6.1.4 (a), (b): certificate i's policyMappings. Mapping to or from anyPolicy is
    /// refused; while policy_mapping is above 0 the mapped policies become the expected ones
    /// (b.1), otherwise the issuer-domain nodes are deleted (b.2).
    fn map_policies(
        &mut self,
        maps: &[(String, String)],
        i: usize,
        index: usize,
    ) -> Result<(), PolicyFailure> {
        if maps.iter().any(|(a, b)| a == ANY_POLICY || b == ANY_POLICY) {
            return Err(PolicyFailure::AnyPolicyMapped { index });
        }
        let tree = &mut self.valid_policy_tree;
        if tree.null {
            return Ok(());
        }
        let issuer_pols: BTreeSet<&String> = maps.iter().map(|(a, _)| a).collect();
        for idp in issuer_pols {
            let mapped: BTreeSet<String> = maps
                .iter()
                .filter(|(a, _)| a == idp)
                .map(|(_, b)| b.clone())
                .collect();
            if self.policy_mapping > 0 {
                tree.map_policy(idp, &mapped, i)
                    .ok_or(PolicyFailure::TreeTooLarge { index })?;
            } else {
                tree.delete_policy(idp, i);
            }
        }
        Ok(())
    }

    /// §6.1.4 (h)-(j): the counters, for certificate i (not the target).
    fn prepare_counters(&mut self, c: &CertPolicies<'_>) {
        // (h): decremented for certificates that are not self-issued.
        if !c.self_issued {
            self.explicit_policy = self.explicit_policy.saturating_sub(1);
            self.policy_mapping = self.policy_mapping.saturating_sub(1);
            self.inhibit_any_policy = self.inhibit_any_policy.saturating_sub(1);
        }
        // (i) policyConstraints.
        if let Some((req, inh)) = c.constraints {
            if let Some(r) = req {
                self.explicit_policy = self.explicit_policy.min(u64::from(r));
            }
            if let Some(m) = inh {
                self.policy_mapping = self.policy_mapping.min(u64::from(m));
            }
        }
        // (j) inhibitAnyPolicy.
        if let Some(s) = c.inhibit_any {
            self.inhibit_any_policy = self.inhibit_any_policy.min(u64::from(s));
        }
    }
}

impl Tree {
    /// Add `policy`, expecting itself, under `parent`; `None` when the tree is full.
    fn add_own(&mut self, policy: &str, parent: usize) -> Option<()> {
        self.add(
            policy.to_string(),
            BTreeSet::from([policy.to_string()]),
            parent,
        )
        .then_some(())
    }

    /// §6.1.3 (d)(1): policy P of the certificate under each parent expecting P (i), or under
    /// the parents' anyPolicy node when none does (ii).
    fn attach_policy(&mut self, p: &str, parents: &[usize]) -> Option<()> {
        let matching: Vec<usize> = parents
            .iter()
            .copied()
            .filter(|&q| self.nodes[q].expected.contains(p))
            .collect();
        if !matching.is_empty() {
            for q in matching {
                self.add_own(p, q)?;
            }
        } else if let Some(&q) = parents
            .iter()
            .find(|&&q| self.nodes[q].policy == ANY_POLICY)
        {
            self.add_own(p, q)?;
        }
        Some(())
    }

    /// §6.1.3 (d)(2): for a certificate asserting anyPolicy, each parent gets a child for
    /// every policy it expects and does not have yet.
    fn attach_expected(&mut self, parents: Vec<usize>) -> Option<()> {
        for q in parents {
            let existing: BTreeSet<String> = self
                .children(q)
                .map(|k| self.nodes[k].policy.clone())
                .collect();
            let expected: Vec<String> = self.nodes[q].expected.iter().cloned().collect();
            for e in expected {
                if !existing.contains(&e) {
                    self.add_own(&e, q)?;
                }
            }
        }
        Some(())
    }

    /// §6.1.4 (b)(1): the nodes of depth `i` for issuer-domain policy `idp` now expect
    /// `mapped`; without such a node, an anyPolicy node of depth `i` gets a sibling `idp`
    /// expecting `mapped`.
    fn map_policy(&mut self, idp: &str, mapped: &BTreeSet<String>, i: usize) -> Option<()> {
        let at_i: Vec<usize> = self.live_at(i).collect();
        let with_p: Vec<usize> = at_i
            .iter()
            .copied()
            .filter(|&k| self.nodes[k].policy == idp)
            .collect();
        if !with_p.is_empty() {
            for k in with_p {
                self.nodes[k].expected = mapped.clone();
            }
        } else if let Some(&any) = at_i.iter().find(|&&k| self.nodes[k].policy == ANY_POLICY) {
            if let Some(parent) = self.nodes[any].parent {
                if !self.add(idp.to_string(), mapped.clone(), parent) {
                    return None;
                }
            }
        }
        Some(())
    }

    /// §6.1.4 (b)(2): mapping is inhibited: delete the nodes of depth `i` for `idp`, prune.
    fn delete_policy(&mut self, idp: &str, i: usize) {
        let with_p: Vec<usize> = self
            .live_at(i)
            .filter(|&k| self.nodes[k].policy == idp)
            .collect();
        for k in with_p {
            self.kill_subtree(k);
        }
        self.prune(i);
    }

    /// §6.1.5 (g)(iii): the intersection of a non-NULL tree of depth `n` with the
    /// user-initial-policy-set `initial` (which is not {anyPolicy}). `None` when the tree
    /// is full.
    fn intersect_with(&mut self, initial: &[String], n: usize) -> Option<()> {
        // (1): nodes whose parent is anyPolicy.
        let node_set: Vec<usize> = (0..self.nodes.len())
            .filter(|&k| {
                self.nodes[k].live
                    && self.nodes[k]
                        .parent
                        .is_some_and(|p| self.nodes[p].policy == ANY_POLICY)
            })
            .collect();
        // (2): delete those whose policy is neither anyPolicy nor in the initial set.
        for &k in &node_set {
            let pol = &self.nodes[k].policy;
            if pol != ANY_POLICY && !initial.contains(pol) {
                self.kill_subtree(k);
            }
        }
        // (3): a leaf anyPolicy node stands for each initial policy not otherwise present.
        let present: BTreeSet<String> = node_set
            .iter()
            .filter(|&&k| self.nodes[k].live)
            .map(|&k| self.nodes[k].policy.clone())
            .collect();
        let any_leaf: Option<usize> = self
            .live_at(n)
            .find(|&k| self.nodes[k].policy == ANY_POLICY);
        if let Some(leaf) = any_leaf {
            if let Some(parent) = self.nodes[leaf].parent {
                for p in initial {
                    if !present.contains(p) {
                        self.add_own(p, parent)?;
                    }
                }
            }
            self.nodes[leaf].live = false;
        }
        // (4).
        self.prune(n);
        Some(())
    }

    /// The user-constrained policy set (§6.1.5 g) of a tree of depth `n`: for each leaf, the
    /// policy of the highest node on its branch that is not anyPolicy (that node's name is in
    /// the trust anchor's domain; lower nodes may carry mapped names), or anyPolicy for an
    /// all-any branch. Empty for a NULL tree.
    fn user_constrained_set(&self, n: usize) -> Vec<String> {
        let mut set = BTreeSet::new();
        if !self.null {
            for leaf in self.live_at(n) {
                let mut top = leaf;
                let mut k = leaf;
                while let Some(p) = self.nodes[k].parent {
                    if self.nodes[k].policy != ANY_POLICY {
                        top = k;
                    }
                    k = p;
                }
                set.insert(self.nodes[top].policy.clone());
            }
        }
        set.into_iter().collect()
    }
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
