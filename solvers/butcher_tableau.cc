#include "solvers/butcher_tableau.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace acaode {
namespace solvers {
namespace {

// The one place the invariants are enforced for the built-in tables: at compile time.
// The bound allows for the 30-digit decimals of dop853 and tsit5 rounded to double.
constexpr double kMaxDefect = 1e-14;
static_assert(TableauDefect(kEuler) <= kMaxDefect, "euler tableau violates an invariant");
static_assert(TableauDefect(kMidpoint) <= kMaxDefect, "midpoint tableau violates an invariant");
static_assert(TableauDefect(kHeun) <= kMaxDefect, "heun tableau violates an invariant");
static_assert(TableauDefect(kRk4) <= kMaxDefect, "rk4 tableau violates an invariant");
static_assert(TableauDefect(kHeunEuler) <= kMaxDefect, "heun_euler tableau violates an invariant");
static_assert(TableauDefect(kBosh3) <= kMaxDefect, "bosh3 tableau violates an invariant");
static_assert(TableauDefect(kDopri5) <= kMaxDefect, "dopri5 tableau violates an invariant");
static_assert(TableauDefect(kTsit5) <= kMaxDefect, "tsit5 tableau violates an invariant");
static_assert(TableauDefect(kDopri8) <= kMaxDefect, "dopri8 tableau violates an invariant");
static_assert(kBosh3.fsal() && kDopri5.fsal() && kTsit5.fsal(), "FSAL pairs");
static_assert(!kDopri8.fsal() && !kRk4.fsal() && !kHeunEuler.fsal(), "non-FSAL methods");
static_assert(kDopri8.has_secondary_error() && !kDopri5.has_secondary_error(), "dop853");

constexpr std::pair<const char*, const char*> kAliases[] = {
    {"rk12", "heun_euler"},
    {"rk23", "bosh3"},
    {"rk45", "dopri5"},
    {"dop853", "dopri8"},
};

}  // namespace

const std::vector<const ButcherTableau*>& AllTableaux() {
  static const std::vector<const ButcherTableau*> kAll = {
      &kEuler, &kMidpoint, &kHeun, &kRk4, &kHeunEuler, &kBosh3, &kDopri5, &kTsit5, &kDopri8,
  };
  return kAll;
}

std::vector<std::string> MethodNames() {
  std::vector<std::string> names;
  for (const ButcherTableau* t : AllTableaux()) names.emplace_back(t->name);
  for (const auto& alias : kAliases) names.emplace_back(alias.first);
  return names;
}

std::string ValidMethodNames() {
  std::string names;
  for (const ButcherTableau* t : AllTableaux()) {
    absl::StrAppend(&names, names.empty() ? "" : ", ", t->name);
  }
  absl::StrAppend(&names, " (aliases:");
  bool first = true;
  for (const auto& alias : kAliases) {
    absl::StrAppend(&names, first ? " " : ", ", alias.first, " = ", alias.second);
    first = false;
  }
  absl::StrAppend(&names, ")");
  return names;
}

absl::StatusOr<const ButcherTableau*> FindTableau(std::string_view name) {
  std::string_view canonical = name;
  for (const auto& alias : kAliases) {
    if (name == alias.first) canonical = alias.second;
  }
  for (const ButcherTableau* t : AllTableaux()) {
    if (canonical == t->name) return t;
  }
  return absl::InvalidArgumentError(absl::StrCat("method: unknown method \"",
                                                 absl::string_view(name.data(), name.size()),
                                                 "\"; valid methods are ", ValidMethodNames()));
}

}  // namespace solvers
}  // namespace acaode
