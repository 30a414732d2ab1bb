import type { ComponentType } from 'react';
import type { RowActionsProps, ScreenDefinition, WalkInProps } from './screens.js';

/*
 * The screens and row slots the shell does not own, found by file name when the app is built
 * (Vite's import.meta.glob): adding one is adding its file. See ScreenDefinition.
 */
const screenModules = import.meta.glob<{ screen?: ScreenDefinition }>(
  [
    '../today/*Screen.tsx',
    '../settings/*Screen.tsx',
    '../owner/*Screen.tsx',
    '../texts/*Screen.tsx',
    '../poster/*Screen.tsx',
    '../analytics/*Screen.tsx',
  ],
  { eager: true },
);
const rowActionModules = import.meta.glob<{ RowActions?: ComponentType<RowActionsProps> }>('../line/actions/RowActions.tsx', {
  eager: true,
});
const walkInModules = import.meta.glob<{ WalkInForm?: ComponentType<WalkInProps> }>('../line/WalkInForm.tsx', { eager: true });

export const screens: readonly ScreenDefinition[] = Object.values(screenModules)
  .map((module) => module.screen)
  .filter((screen): screen is ScreenDefinition => screen !== undefined)
  .sort((a, b) => (a.order ?? 0) - (b.order ?? 0) || a.label.localeCompare(b.label));

export const RowActions: ComponentType<RowActionsProps> | null = Object.values(rowActionModules)[0]?.RowActions ?? null;
export const WalkInForm: ComponentType<WalkInProps> | null = Object.values(walkInModules)[0]?.WalkInForm ?? null;
