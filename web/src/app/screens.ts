import type { ComponentType } from 'react';
import type { components } from '../api/schema.js';

export type Restaurant = components['schemas']['Restaurant'];
export type Waitlist = components['schemas']['Waitlist'];
export type Waitee = components['schemas']['Waitee'];

/** What a screen gets: the restaurant (with the host's `myRole`) and, for waitlist screens, the waitlist. */
export interface ScreenProps {
  readonly restaurant: Restaurant;
  readonly waitlist: Waitlist | null;
}

/**
 * A screen in the shell's navigation. A module under web/src/{today,settings,owner,texts,poster,analytics}/ whose
 * name ends in `Screen.tsx` and that exports `screen: ScreenDefinition` joins the navigation
 * (app/extensions.ts finds it), so screens are added without editing the shell.
 */
export interface ScreenDefinition {
  /** The path segment: /restaurants/{r}/waitlists/{w}/{path} or /restaurants/{r}/{path}. */
  readonly path: string;
  /** The navigation label. */
  readonly label: string;
  readonly scope: 'waitlist' | 'restaurant';
  /** Shown to owners only (the API refuses staff anyway). */
  readonly ownerOnly?: boolean;
  /** Order in the navigation, after the line (lower first). */
  readonly order?: number;
  readonly Component: ComponentType<ScreenProps>;
}

/** The slot at the end of each row of the line: web/src/line/actions/RowActions.tsx exports `RowActions`. */
export interface RowActionsProps {
  readonly waitee: Waitee;
  readonly restaurant: Restaurant;
  readonly waitlist: Waitlist;
}

/** The slot above the line: web/src/line/WalkInForm.tsx exports `WalkInForm`. */
export interface WalkInProps {
  readonly restaurant: Restaurant;
  readonly waitlist: Waitlist;
}
