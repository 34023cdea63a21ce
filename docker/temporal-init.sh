#!/bin/sh
# One-shot init for the compose stack (runs in temporalio/admin-tools, which has the temporal CLI):
# waits until the Temporal frontend serves and the namespace is usable, then registers Shipyard's
# custom search attributes (all Keyword). Safe to re-run: an attribute that already exists with the
# same type counts as success; one that exists with another type is a real error and fails.
set -eu

: "${TEMPORAL_ADDRESS:=temporal:7233}"
: "${TEMPORAL_NAMESPACE:=default}"
: "${TEMPORAL_INIT_TIMEOUT_SECONDS:=300}"
SEARCH_ATTRIBUTES="ShipyardTenant ShipyardOwner ShipyardKind ShipyardStatus"

deadline=$(($(date +%s) + TEMPORAL_INIT_TIMEOUT_SECONDS))

# wait_for DESCRIPTION COMMAND...: retries COMMAND until it succeeds or the deadline passes.
wait_for() {
  description=$1
  shift
  until "$@" > /dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "temporal-init: timed out after ${TEMPORAL_INIT_TIMEOUT_SECONDS}s waiting for ${description}" >&2
      exit 1
    fi
    echo "temporal-init: waiting for ${description} ..."
    sleep 2
  done
}

create_keyword_attribute() {
  name=$1
  attempt=1
  while :; do
    if out=$(temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" \
      --namespace "$TEMPORAL_NAMESPACE" --name "$name" --type Keyword 2>&1); then
      echo "temporal-init: search attribute ${name} (Keyword) is registered"
      return 0
    fi
    case $out in
      *"different type"*)
        echo "temporal-init: ${out}" >&2
        return 1
        ;;
      *"already exists"*)
        # Older CLIs/servers report a same-type duplicate as an error: that is success for us.
        echo "temporal-init: search attribute ${name} already exists"
        return 0
        ;;
    esac
    if [ "$attempt" -ge 10 ]; then
      echo "temporal-init: could not create search attribute ${name}: ${out}" >&2
      return 1
    fi
    attempt=$((attempt + 1))
    sleep 2
  done
}

wait_for "Temporal at ${TEMPORAL_ADDRESS}" \
  temporal operator cluster health --address "$TEMPORAL_ADDRESS"
# auto-setup creates the namespace after the server starts; listing its search attributes only
# succeeds once the namespace exists and the frontend's namespace cache has caught up.
wait_for "namespace ${TEMPORAL_NAMESPACE}" \
  temporal operator search-attribute list --address "$TEMPORAL_ADDRESS" --namespace "$TEMPORAL_NAMESPACE"

for name in $SEARCH_ATTRIBUTES; do
  create_keyword_attribute "$name"
done
echo "temporal-init: done"
