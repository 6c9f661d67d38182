import { useCallback, useEffect, useRef, useState } from "react";
import { HubRequestError, onSessionRenewed } from "./api.ts";

export type AsyncState<T> = { status: "loading" } | { status: "error"; error: Error } | { status: "done"; value: T };

/**
 * Runs `load` when `deps` change and keeps its result; an answer that arrives after the inputs
 * changed again is dropped, so a slow old request never overwrites a newer one. A load refused
 * for an expired session runs again when the user signs in again (api.ts `sessionRenewed`).
 */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): [AsyncState<T>, () => void] {
  const [state, setState] = useState<AsyncState<T>>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let current = true;
    setState({ status: "loading" });
    load().then(
      (value) => current && setState({ status: "done", value }),
      (error: unknown) =>
        current && setState({ status: "error", error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      current = false;
    };
    // `load` is a new closure every render: the caller's `deps` say when it means something new.
  }, [...deps, attempt]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  // A load refused for an expired session runs again once the user has signed in again.
  const current = useRef(state);
  current.current = state;
  useEffect(
    () =>
      onSessionRenewed(() => {
        const s = current.current;
        if (s.status === "error" && s.error instanceof HubRequestError && s.error.code === "UNAUTHENTICATED") retry();
      }),
    [retry],
  );
  return [state, retry];
}
