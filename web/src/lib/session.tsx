import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, api, setCsrfToken } from './api';
import { forgetGuestTokens } from './storage';
import type { UserView } from './types';

interface MeResponse {
  user: UserView;
  wallet: { balance: number };
  csrfToken: string;
}

interface AuthResponse {
  token: string;
  csrfToken: string;
  user: UserView;
}

export type SessionState =
  | { status: 'loading' }
  | { status: 'signedOut' }
  | { status: 'signedIn'; user: UserView; balance: number };

interface Session {
  state: SessionState;
  user: UserView | null;
  refresh(): Promise<void>;
  login(email: string, password: string): Promise<UserView>;
  register(input: { email: string; password: string; role: 'buyer' | 'merchant'; displayName?: string }): Promise<UserView>;
  logout(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const refresh = useCallback(async () => {
    try {
      const me = await api<MeResponse>('GET', '/api/me');
      setCsrfToken(me.csrfToken);
      setState({ status: 'signedIn', user: me.user, balance: me.wallet.balance });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        setCsrfToken(null);
        setState({ status: 'signedOut' });
        return;
      }
      // A server hiccup must not look like a sign-out; keep what we had, or show signed out on first load.
      setState((previous) => (previous.status === 'loading' ? { status: 'signedOut' } : previous));
    }
  }, []);

  useEffect(() => { void refresh(); }, [refresh]);

  const signedIn = useCallback(async (response: AuthResponse) => {
    setCsrfToken(response.csrfToken);
    setState({ status: 'signedIn', user: response.user, balance: 0 });
    await refresh();
    return response.user;
  }, [refresh]);

  const login = useCallback(async (email: string, password: string) =>
    signedIn(await api<AuthResponse>('POST', '/api/auth/login', { body: { email, password } })), [signedIn]);

  const register = useCallback(async (input: { email: string; password: string; role: 'buyer' | 'merchant'; displayName?: string }) =>
    signedIn(await api<AuthResponse>('POST', '/api/auth/register', { body: input })), [signedIn]);

  const logout = useCallback(async () => {
    await api('POST', '/api/auth/logout', { body: {} });
    setCsrfToken(null);
    forgetGuestTokens();
    setState({ status: 'signedOut' });
  }, []);

  const value = useMemo<Session>(() => ({
    state, user: state.status === 'signedIn' ? state.user : null, refresh, login, register, logout,
  }), [state, refresh, login, register, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
