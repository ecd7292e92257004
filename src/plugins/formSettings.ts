import { InputDialog, Notification } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { TranslationBundle } from '@jupyterlab/translation';

import {
  DEFAULT_SETTINGS,
  FormSettings,
  RunFormState
} from '../model/formState';
import { Preset, presetFromState } from '../model/presets';
import { PLUGIN_ID } from '../tokens';

/**
 * The run form's settings (schema/plugin.json) and its presets: the defaults until
 * the registry has loaded them, and saving a preset back into them.
 */
export class FormSettingsSource {
  constructor(
    private readonly trans: TranslationBundle,
    registry: ISettingRegistry | null
  ) {
    registry
      ?.load(PLUGIN_ID)
      .then(loaded => {
        this._settings = loaded;
      })
      .catch(reason =>
        console.warn('jupyter_sagerun: could not load settings', reason)
      );
  }

  read(): FormSettings {
    const settings = this._settings;
    if (!settings) {
      return DEFAULT_SETTINGS;
    }
    const get = <T>(key: keyof FormSettings): T =>
      (settings.get(key).composite as T) ??
      (DEFAULT_SETTINGS[key] as unknown as T);
    return {
      defaultInstanceType: get('defaultInstanceType'),
      instanceTypeSuggestions: get('instanceTypeSuggestions'),
      defaultEnvironmentVersion: get('defaultEnvironmentVersion'),
      defaultTimeoutMinutes: get('defaultTimeoutMinutes'),
      defaultNetworkAccessType: get('defaultNetworkAccessType'),
      defaultNotifyOn: get('defaultNotifyOn'),
      defaultPreset: get('defaultPreset'),
      presets: get('presets')
    };
  }

  /** Ask for a name and save the form's settings (never its values) as a preset. */
  savePreset = async (state: RunFormState): Promise<void> => {
    const { trans } = this;
    const settings = this._settings;
    if (!settings) {
      Notification.warning(
        trans.__('Settings are not available: cannot save a preset.')
      );
      return;
    }
    const answer = await InputDialog.getText({
      title: trans.__('Save as preset'),
      label: trans.__('Preset name (parameter values are not saved)'),
      okLabel: trans.__('Save')
    });
    const name = answer.value?.trim();
    if (!answer.button.accept || !name) {
      return;
    }
    const preset: Preset = presetFromState(name, state);
    const presets = this.read().presets.filter(p => p.name !== name);
    try {
      await settings.set('presets', [...presets, preset] as any);
      Notification.success(trans.__('Saved preset "%1".', name), {
        autoClose: 3000
      });
    } catch (reason) {
      Notification.error(
        trans.__('Could not save preset "%1": %2', name, String(reason)),
        { autoClose: false }
      );
    }
  };

  private _settings: ISettingRegistry.ISettings | null = null;
}
