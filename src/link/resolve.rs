//! From scored pairs to output: one-to-one assignment and clustering that
//! does not chain unrelated people through one weak link.
//!
//! # Clustering
//!
//! Matched pairs are edges. Each connected component of the match graph is
//! clustered on its own (components run in parallel; the result does not
//! depend on the thread count). Within a component, edges are taken by
//! decreasing weight (ties by record index) and an edge merges its two
//! clusters only when the **average match weight over all cross pairs of
//! the two clusters** (computed by comparing those records afresh, not only
//! over the edges that happen to be matches) reaches the gate, by default
//! the match threshold. Two singletons merge exactly when their pair is a
//! match; a weak link between two groups is outvoted by the many pairs of
//! the groups that disagree. This is greedy average-linkage agglomeration
//! restricted to matched edges. Very large merges evaluate an evenly spaced
//! deterministic sample of members (see [`ClusterConfig::max_linkage_pairs`]).

use rayon::prelude::*;

/// Clustering options.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ClusterConfig {
    /// Average cross-pair weight two clusters need to merge; `None` = the
    /// match threshold.
    pub min_average_weight: Option<f64>,
    /// Most record pairs evaluated for one merge decision; larger merges
    /// evaluate an evenly spaced sample of each cluster's members.
    pub max_linkage_pairs: u32,
}

impl Default for ClusterConfig {
    fn default() -> ClusterConfig {
        ClusterConfig {
            min_average_weight: None,
            max_linkage_pairs: 4096,
        }
    }
}

/// What clustering did.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ClusterStats {
    /// Connected components of the match graph with >= 2 records.
    pub components: u64,
    /// Merges made.
    pub merges: u64,
    /// Matched edges whose merge the average-linkage gate refused.
    pub rejected_merges: u64,
    /// Records in the largest cluster.
    pub largest_cluster: u64,
    /// Clusters (including singletons).
    pub clusters: u64,
}

/// Keep a maximum-weight-first greedy one-to-one subset of `edges`
/// (`(pair, weight)`, pairs packed with `corpus::pack`): an edge is kept
/// when neither record is already used. Ties: lower pair first. Returns
/// the kept indices into `edges`, ascending.
pub(crate) fn one_to_one(n: u32, edges: &[(u64, f64)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..edges.len()).collect();
    order.sort_by(|&x, &y| {
        edges[y]
            .1
            .total_cmp(&edges[x].1)
            .then(edges[x].0.cmp(&edges[y].0))
    });
    let mut used = vec![false; n as usize];
    let mut kept = Vec::new();
    for x in order {
        let (i, j) = super::corpus::unpack(edges[x].0);
        let (ui, uj) = (
            used.get(i as usize).copied().unwrap_or(true),
            used.get(j as usize).copied().unwrap_or(true),
        );
        if !ui && !uj {
            used[i as usize] = true;
            used[j as usize] = true;
            kept.push(x);
        }
    }
    kept.sort_unstable();
    kept
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let p = parent[x as usize];
        parent[x as usize] = parent[p as usize];
        x = p;
    }
    x
}

/// Evenly spaced sample of at most `k` members (all when fewer).
fn sample(members: &[u32], k: usize) -> Vec<u32> {
    if members.len() <= k {
        return members.to_vec();
    }
    (0..k).map(|x| members[x * members.len() / k]).collect()
}

/// Cluster records `0..n` from matched `edges` (`(pair, weight)`).
/// `weight(i, j)` scores any pair. Returns the dense cluster id of every
/// record (ids in order of each cluster's lowest record) and statistics.
pub(crate) fn cluster<W>(
    n: u32,
    edges: &[(u64, f64)],
    gate: f64,
    config: &ClusterConfig,
    weight: W,
    progress: &dyn super::progress::Progress,
) -> (Vec<u32>, ClusterStats)
where
    W: Fn(u32, u32) -> f64 + Sync,
{
    use std::sync::atomic::{AtomicU64, Ordering};
    // Components of the match graph.
    let mut parent: Vec<u32> = (0..n).collect();
    for &(p, _) in edges {
        let (i, j) = super::corpus::unpack(p);
        if i >= n || j >= n {
            continue;
        }
        let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
        if ri != rj {
            // Lower root wins: roots are component minima.
            let (lo, hi) = if ri < rj { (ri, rj) } else { (rj, ri) };
            parent[hi as usize] = lo;
        }
    }
    let mut comp_edges: Vec<(u32, u64, f64)> = edges
        .iter()
        .filter_map(|&(p, w)| {
            let (i, _) = super::corpus::unpack(p);
            (i < n).then(|| (find(&mut parent, i), p, w))
        })
        .collect();
    comp_edges.sort_by(|a, b| a.0.cmp(&b.0).then(b.2.total_cmp(&a.2)).then(a.1.cmp(&b.1)));
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    while start < comp_edges.len() {
        let mut end = start + 1;
        while end < comp_edges.len() && comp_edges[end].0 == comp_edges[start].0 {
            end += 1;
        }
        ranges.push((start, end));
        start = end;
    }
    let side = (f64::from(config.max_linkage_pairs.max(1))).sqrt().floor() as usize;
    let total = ranges.len() as u64;
    let done = AtomicU64::new(0);
    progress.report(super::progress::Stage::Clustering, 0, total);
    // Each component: (clusters as member lists, merges, rejected).
    let results: Vec<(Vec<Vec<u32>>, u64, u64)> = ranges
        .par_iter()
        .map(|&(s, e)| {
            let es = &comp_edges[s..e];
            let mut nodes: Vec<u32> = es
                .iter()
                .flat_map(|&(_, p, _)| {
                    let (i, j) = super::corpus::unpack(p);
                    [i, j]
                })
                .collect();
            nodes.sort_unstable();
            nodes.dedup();
            let local = |g: u32| nodes.binary_search(&g).unwrap_or(0);
            let mut lp: Vec<u32> = (0..nodes.len() as u32).collect();
            let mut members: Vec<Vec<u32>> = nodes.iter().map(|&g| vec![g]).collect();
            let (mut merges, mut rejected) = (0u64, 0u64);
            for &(_, p, _) in es {
                let (i, j) = super::corpus::unpack(p);
                let (ri, rj) = (
                    find(&mut lp, local(i) as u32),
                    find(&mut lp, local(j) as u32),
                );
                if ri == rj {
                    continue;
                }
                let (a, b) = (&members[ri as usize], &members[rj as usize]);
                let (sa, sb) = if a.len() * b.len() > side * side {
                    (sample(a, side), sample(b, side))
                } else {
                    (a.clone(), b.clone())
                };
                let mut sum = 0.0;
                for &x in &sa {
                    for &y in &sb {
                        sum += weight(x, y);
                    }
                }
                let avg = sum / (sa.len() * sb.len()) as f64;
                if avg >= gate {
                    merges += 1;
                    let (keep, gone) = if ri < rj { (ri, rj) } else { (rj, ri) };
                    let moved = std::mem::take(&mut members[gone as usize]);
                    let mut merged = std::mem::take(&mut members[keep as usize]);
                    merged.extend(moved);
                    merged.sort_unstable();
                    members[keep as usize] = merged;
                    lp[gone as usize] = keep;
                } else {
                    rejected += 1;
                }
            }
            let clusters: Vec<Vec<u32>> = members.into_iter().filter(|m| !m.is_empty()).collect();
            let d = done.fetch_add(1, Ordering::Relaxed) + 1;
            progress.report(super::progress::Stage::Clustering, d, total);
            (clusters, merges, rejected)
        })
        .collect();
    let mut stats = ClusterStats {
        components: ranges.len() as u64,
        ..ClusterStats::default()
    };
    // label[g] = lowest member of g's cluster.
    let mut label: Vec<u32> = (0..n).collect();
    for (clusters, merges, rejected) in &results {
        stats.merges += merges;
        stats.rejected_merges += rejected;
        for c in clusters {
            stats.largest_cluster = stats.largest_cluster.max(c.len() as u64);
            if let Some(&min) = c.first() {
                for &g in c {
                    label[g as usize] = min;
                }
            }
        }
    }
    if n > 0 {
        stats.largest_cluster = stats.largest_cluster.max(1);
    }
    let mut id = vec![0u32; n as usize];
    let mut next = 0u32;
    for g in 0..n as usize {
        let l = label[g] as usize;
        if l == g {
            id[g] = next;
            next += 1;
        } else {
            // l < g: assigned already.
            id[g] = id[l];
        }
    }
    stats.clusters = u64::from(next);
    (id, stats)
}

#[cfg(test)]
mod tests {
    use super::super::corpus::pack;
    use super::super::progress::NoProgress;
    use super::*;

    #[test]
    fn one_to_one_is_greedy_by_weight_with_index_ties() {
        let edges = vec![
            (pack(0, 3), 5.0),
            (pack(0, 4), 9.0),
            (pack(1, 4), 9.0),
            (pack(1, 3), 2.0),
            (pack(2, 5), 1.0),
        ];
        // (0,4) wins the tie with (1,4) by lower pair; then (1,3), (2,5).
        let kept = one_to_one(6, &edges);
        assert_eq!(kept, vec![1, 3, 4]);
    }

    #[test]
    fn weak_link_does_not_chain_two_groups() {
        // {0,1,2} are one person, {3,4,5} another; 2-3 is a weak false
        // match. Pairs across groups other than 2-3 score very low.
        let same = |x: u32, y: u32| (x < 3) == (y < 3);
        let w = move |x: u32, y: u32| {
            if same(x, y) {
                20.0
            } else if (x.min(y), x.max(y)) == (2, 3) {
                6.0
            } else {
                -15.0
            }
        };
        let mut edges = Vec::new();
        for i in 0..6u32 {
            for j in i + 1..6 {
                if w(i, j) >= 5.0 {
                    edges.push((pack(i, j), w(i, j)));
                }
            }
        }
        let (id, stats) = cluster(7, &edges, 5.0, &ClusterConfig::default(), w, &NoProgress);
        assert_eq!(id, vec![0, 0, 0, 1, 1, 1, 2]);
        assert_eq!(stats.clusters, 3);
        assert_eq!(stats.components, 1);
        assert_eq!(stats.rejected_merges, 1);
        assert_eq!(stats.largest_cluster, 3);
        // Plain connected components would have merged everything.
    }

    #[test]
    fn supported_triangle_merges() {
        // 0-1 strong, 1-2 strong, 0-2 below threshold but positive: one
        // person with a corrupted record.
        let w = |x: u32, y: u32| match (x.min(y), x.max(y)) {
            (0, 1) | (1, 2) => 20.0,
            (0, 2) => 3.0,
            _ => -20.0,
        };
        let edges = vec![(pack(0, 1), 20.0), (pack(1, 2), 20.0)];
        let (id, _) = cluster(3, &edges, 10.0, &ClusterConfig::default(), w, &NoProgress);
        assert_eq!(id, vec![0, 0, 0]);
    }
}
