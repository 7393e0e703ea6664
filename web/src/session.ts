// Who is logged in: tokens and the profile, kept in localStorage.

import type { AuthResponse, TokenPair, User } from "./types";

const KEY = "dongne.session";

interface Stored {
  accessToken: string;
  refreshToken: string;
  user: User;
}

type Listener = (user: User | null) => void;

class Session {
  private data: Stored | null = null;
  private readonly listeners = new Set<Listener>();

  load(): void {
    try {
      const raw = localStorage.getItem(KEY);
      this.data = raw ? (JSON.parse(raw) as Stored) : null;
    } catch {
      this.data = null;
    }
  }

  get user(): User | null {
    return this.data?.user ?? null;
  }

  get accessToken(): string | null {
    return this.data?.accessToken ?? null;
  }

  get refreshToken(): string | null {
    return this.data?.refreshToken ?? null;
  }

  signedIn(auth: AuthResponse): void {
    this.data = { accessToken: auth.accessToken, refreshToken: auth.refreshToken, user: auth.user };
    this.save();
    this.emit();
  }

  tokens(pair: TokenPair): void {
    if (!this.data) return;
    this.data = { ...this.data, accessToken: pair.accessToken, refreshToken: pair.refreshToken };
    this.save();
  }

  updateUser(user: User): void {
    if (!this.data) return;
    this.data = { ...this.data, user };
    this.save();
    this.emit();
  }

  signOut(): void {
    this.data = null;
    localStorage.removeItem(KEY);
    this.emit();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private save(): void {
    if (this.data) localStorage.setItem(KEY, JSON.stringify(this.data));
  }

  private emit(): void {
    for (const listener of this.listeners) listener(this.user);
  }
}

export const session = new Session();
