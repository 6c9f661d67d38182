/**
 * A minimal stand-in for @types/react, which is not installed (the shared install holds
 * react and react-dom without their type packages). It declares only what the console uses;
 * replace it with @types/react@18 and @types/react-dom@18 when they are added as devDependencies.
 */
declare module "react" {
  export type Key = string | number;
  export interface ReactElement {
    type: unknown;
    props: unknown;
    key: Key | null;
  }
  export type ReactNode = ReactElement | string | number | bigint | boolean | null | undefined | Iterable<ReactNode>;
  export type Dispatch<A> = (value: A) => void;
  export type SetStateAction<S> = S | ((previous: S) => S);
  export interface Context<T> {
    Provider: (props: { value: T; children?: ReactNode }) => ReactElement | null;
  }
  export function useState<S>(initial: S | (() => S)): [S, Dispatch<SetStateAction<S>>];
  export function useEffect(effect: () => void | (() => void), deps?: readonly unknown[]): void;
  export function useMemo<T>(factory: () => T, deps: readonly unknown[]): T;
  export function useCallback<T extends (...args: never[]) => unknown>(callback: T, deps: readonly unknown[]): T;
  export function useRef<T>(initial: T): { current: T };
  export function useId(): string;
  export function createContext<T>(defaultValue: T): Context<T>;
  export function useContext<T>(context: Context<T>): T;
  export function StrictMode(props: { children?: ReactNode }): ReactElement;
  export function Fragment(props: { children?: ReactNode }): ReactElement;
}

declare module "react/jsx-runtime" {
  import type { Key, ReactElement, ReactNode } from "react";

  /** What the console's handlers read from React's synthetic events. */
  interface SyntheticEvent<T> {
    target: T;
    currentTarget: T;
    key: string;
    preventDefault(): void;
  }
  interface DomAttributes {
    key?: Key;
    ref?: { current: unknown } | ((element: Element | null) => void);
    children?: ReactNode;
    className?: string;
    style?: Readonly<Record<string, string | number>>;
    onClick?: (event: SyntheticEvent<HTMLElement>) => void;
    onChange?: (event: SyntheticEvent<HTMLInputElement & HTMLSelectElement & HTMLTextAreaElement>) => void;
    onSubmit?: (event: SyntheticEvent<HTMLFormElement>) => void;
    onKeyDown?: (event: SyntheticEvent<HTMLElement>) => void;
    // Any other attribute (aria-*, data-*, SVG presentation attributes …) as React accepts it.
    [attribute: string]: unknown;
  }

  export namespace JSX {
    type Element = ReactElement;
    interface ElementChildrenAttribute {
      children: object;
    }
    interface IntrinsicAttributes {
      key?: Key;
    }
    interface IntrinsicElements {
      [element: string]: DomAttributes;
    }
  }
  export function jsx(type: unknown, props: unknown, key?: Key): ReactElement;
  export function jsxs(type: unknown, props: unknown, key?: Key): ReactElement;
  export const Fragment: unknown;
}

declare module "react-dom/client" {
  import type { ReactNode } from "react";
  export interface Root {
    render(children: ReactNode): void;
    unmount(): void;
  }
  export function createRoot(container: Element): Root;
}
